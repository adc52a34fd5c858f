/**
 * What a set's create and update would produce, for a preview, without a request: each entry
 * predicted by the webhook's own predictions (../preview), the unmanaged list unknown when the
 * step will list the project again. See ../preview for why a preview must never write.
 */
import { UNKNOWN, isUnknown } from "../engine-values";
import { predictCreate, predictUpdate } from "../preview";
import { planSet } from "./diff";
import { copyState, dropEntry, emptyState, entryInputs, entryState, putEntry, setLevel } from "./entries";
import { setId } from "./apply";
import { ENTRY_MAPS, type SetInputs, type SetState, type UnmanagedWebhook } from "./types";

/** The list the step makes after its writes: empty under `ignore`, otherwise only the server can tell. */
const unmanagedAfter = (inputs: SetInputs): UnmanagedWebhook[] =>
  inputs.unmanaged === "ignore" ? [] : (UNKNOWN as unknown as UnmanagedWebhook[]);

/** Outputs when the entries themselves are not known yet: every map is unknown too. */
function unknownEntries(state: SetState): SetState {
  const unknown = { webhooks: UNKNOWN, unmanagedWebhooks: UNKNOWN } as Record<string, unknown>;
  for (const map of ENTRY_MAPS) unknown[map] = UNKNOWN;
  return { ...state, ...unknown } as SetState;
}

export function predictCreateSet(inputs: SetInputs): { id: string; outs: SetState } {
  const id = inputs.projectId === UNKNOWN ? "" : setId(inputs);
  const state = emptyState(inputs);
  if (isUnknown(inputs.webhooks)) return { id, outs: unknownEntries(state) };
  for (const key of Object.keys(inputs.webhooks))
    putEntry(state, key, predictCreate(entryInputs(inputs, key)).outs);
  state.unmanagedWebhooks = unmanagedAfter(inputs);
  return { id, outs: state };
}

export function predictUpdateSet(olds: SetState, news: SetInputs): { outs: SetState } {
  if (isUnknown(news.webhooks)) return { outs: unknownEntries(copyState(olds, setLevel(news))) };
  const plan = planSet(olds, news);
  const level = setLevel(news);
  const state = copyState(olds, level);
  for (const key of [...plan.deletes, ...plan.replaces]) dropEntry(state, key);
  for (const key of [...plan.creates, ...plan.replaces]) {
    putEntry(state, key, predictCreate(entryInputs(news, key)).outs);
  }
  for (const key of plan.updates) {
    putEntry(state, key, predictUpdate(entryState({ ...olds, ...level }, key), entryInputs(news, key)).outs);
  }
  state.unmanagedWebhooks = unmanagedAfter(news);
  return { outs: state };
}
