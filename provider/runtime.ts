/**
 * The code the serialized provider loads at run time, by package name, from the program's
 * directory. Keeping the logic here rather than in `__provider` means an upgrade of this
 * package reaches existing resources on the next refresh, update or delete, without a replace.
 *
 * Every entry returns a promise, so the shim can delegate with a bare `return` (the shim's
 * text is stored once per resource; each byte saved there is saved N times).
 *
 * This is the door between the engine's stored outputs and the lifecycle's plain state:
 * optional outputs are stored as null (see `toStoredOutputs`) and read back as absent.
 */
import { ResourceInitError } from "./errors";
import { DYNAMIC_CONFIG_NAMESPACE, settingsFrom } from "./config";
import * as lifecycle from "./lifecycle";
import type { WebhookInputs, WebhookState } from "./schema";
import { fromStoredOutputs as plain, toStoredOutputs as stored } from "./state";

type Raw = Record<string, unknown>;

/** The dynamic door reads the stack's `appwrite:*` config. */
export interface ConfigReader {
  get(key: string): string | undefined;
}

export async function configure(config: ConfigReader): Promise<void> {
  lifecycle.configure(
    settingsFrom(DYNAMIC_CONFIG_NAMESPACE, (key) => config.get(key)),
    DYNAMIC_CONFIG_NAMESPACE,
  );
}

export async function check(olds: Raw, news: Raw): Promise<lifecycle.CheckResult> {
  return lifecycle.check(olds, news);
}

export async function diff(
  id: string,
  olds: WebhookState,
  news: WebhookInputs,
): Promise<lifecycle.DiffResult> {
  return lifecycle.diff(id, plain(olds), news);
}

/** A partial failure's properties are state too: they get the same null-filled outputs. */
function storedFailure(error: unknown): unknown {
  return error instanceof ResourceInitError
    ? new ResourceInitError(error.message, error.id, stored(error.properties))
    : error;
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

export { PACKAGE_VERSION } from "./version";
