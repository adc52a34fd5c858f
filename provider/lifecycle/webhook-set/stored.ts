/**
 * The `WebhookSet` lifecycle as both doors hand it to the engine, as ../stored-outputs is for
 * `Webhook`: the optional `apiKey` output present (null when unset), the dynamic door's
 * `__provider` carried through partial failures, and check loaded on first use (it loads zod).
 */
import type * as SetChecker from "./check";
import type { CheckResult, ResourceIdentity } from "../check";
import { ResourceInitError } from "../../appwrite/errors";
import type { DiffResult } from "../diff";
import { PROVIDER_KEY } from "../engine-values";
import { createSet, removeSet, updateSet } from "./apply";
import { diffSet } from "./diff";
import { predictCreateSet, predictUpdateSet } from "./preview";
import { readSet, type SetReadResult } from "./read";
import { fromStoredOutputs as plain, toStoredOutputs } from "../state";
import type { SetInputs, SetState } from "./types";

type Raw = Record<string, unknown>;

/** The set's one optional output: `apiKey` is null in state when the connection came from config. */
const OPTIONAL_SET_OUTPUTS = ["apiKey"] as const;
const stored = (state: SetState): SetState => toStoredOutputs(state, OPTIONAL_SET_OUTPUTS);

/** A partial failure's state is stored state too, with the door's provider text. */
function storedFailure(error: unknown, inputs: Raw): unknown {
  return error instanceof ResourceInitError
    ? new ResourceInitError(error.message, error.id, {
        ...stored(error.properties as unknown as SetState),
        [PROVIDER_KEY]: inputs[PROVIDER_KEY],
      })
    : error;
}

let checker: Promise<typeof SetChecker> | undefined;

export async function check(olds: Raw, news: Raw, resource?: ResourceIdentity): Promise<CheckResult> {
  checker ??= import("./check.js");
  return (await checker).checkSet(olds, news, resource);
}

export async function diff(id: string, olds: SetState, news: SetInputs): Promise<DiffResult> {
  return diffSet(id, plain(olds), news);
}

export async function create(inputs: SetInputs & Raw): Promise<{ id: string; outs: SetState }> {
  const { id, outs } = await createSet(inputs).catch((error: unknown) =>
    Promise.reject(storedFailure(error, inputs)),
  );
  return { id, outs: stored(outs) };
}

export async function read(id: string, props: SetState): Promise<SetReadResult> {
  const result = await readSet(id, plain(props));
  return result.props ? { ...result, props: stored(result.props) } : result;
}

export async function update(id: string, olds: SetState, news: SetInputs & Raw): Promise<{ outs: SetState }> {
  const { outs } = await updateSet(id, plain(olds), news).catch((error: unknown) =>
    Promise.reject(storedFailure(error, news)),
  );
  return { outs: stored(outs) };
}

export async function remove(id: string, props: SetState): Promise<void> {
  return removeSet(id, plain(props));
}

/** Create's outputs for a preview, as stored: no request is made (./preview). */
export function previewCreate(inputs: SetInputs): { id: string; outs: SetState } {
  const { id, outs } = predictCreateSet(inputs);
  return { id, outs: stored(outs) };
}

/** Update's outputs for a preview, as stored: no request is made (./preview). */
export function previewUpdate(olds: SetState, news: SetInputs): { outs: SetState } {
  return { outs: stored(predictUpdateSet(plain(olds), news).outs) };
}
