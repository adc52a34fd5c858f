/**
 * The lifecycle as both doors hand it to the engine. The engine's stored outputs differ from
 * the lifecycle's plain state in one way: every optional output is present, null when there is
 * none (`toStoredOutputs`), because during a preview the Node SDK shows a declared output that
 * is missing from state as unknown, and an "Undefined value" warning on `up`. So outputs are
 * filled on the way out and the nulls dropped on the way in, here once for the dynamic door
 * (../dynamic/stored-provider-module) and the plugin door (../plugin/grpc-server) alike. Check is here too, for the one lazy
 * load both doors share.
 */
import type * as Checker from "./check";
import { ResourceInitError } from "../appwrite/errors";
import * as lifecycle from "./steps";
import * as preview from "./preview";
import type { WebhookInputs, WebhookState } from "./schema";
import { fromStoredOutputs as plain, toStoredOutputs as stored } from "./state";

type Raw = Record<string, unknown>;

/** A partial failure's properties are state too: they get the same null-filled outputs. */
function storedFailure(error: unknown): unknown {
  return error instanceof ResourceInitError
    ? new ResourceInitError(error.message, error.id, stored(error.properties))
    : error;
}

let checker: Promise<typeof Checker> | undefined;

/**
 * `check` from ./check, loaded on the first call: a destroy or a refresh never checks, so its
 * cold start never loads zod.
 */
export async function check(
  olds: Raw,
  news: Raw,
  resource?: Checker.ResourceIdentity,
): Promise<Checker.CheckResult> {
  checker ??= import("./check.js");
  return (await checker).check(olds, news, resource);
}

export async function diff(
  id: string,
  olds: WebhookState,
  news: WebhookInputs,
): Promise<lifecycle.DiffResult> {
  return lifecycle.diff(id, plain(olds), news);
}

export async function create(inputs: WebhookInputs & Raw): Promise<lifecycle.CreateResult> {
  const { id, outs } = await lifecycle
    .create(inputs)
    .catch((error: unknown) => Promise.reject(storedFailure(error)));
  return { id, outs: stored(outs) };
}

export async function read(id: string, props: WebhookState): Promise<lifecycle.ReadResult> {
  const result = await lifecycle.read(id, plain(props));
  return result.props ? { ...result, props: stored(result.props) } : result;
}

export async function update(
  id: string,
  olds: WebhookState,
  news: WebhookInputs & Raw,
): Promise<lifecycle.UpdateResult> {
  const { outs } = await lifecycle
    .update(id, plain(olds), news)
    .catch((error: unknown) => Promise.reject(storedFailure(error)));
  return { outs: stored(outs) };
}

export async function remove(id: string, props: WebhookState): Promise<void> {
  return lifecycle.remove(id, plain(props));
}

/** Create's outputs for a preview, as stored: no request is made (./preview). */
export function previewCreate(inputs: WebhookInputs & Raw): lifecycle.CreateResult {
  const { id, outs } = preview.predictCreate(inputs);
  return { id, outs: stored(outs) };
}

/** Update's outputs for a preview, as stored: no request is made (./preview). */
export function previewUpdate(olds: WebhookState, news: WebhookInputs & Raw): lifecycle.UpdateResult {
  return { outs: stored(preview.predictUpdate(plain(olds), news).outs) };
}
