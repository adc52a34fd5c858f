/**
 * What a set's create and update would produce, for a preview, without a request: each entry
 * predicted by the webhook's own predictions (../preview), the unmanaged list unknown when the
 * step will list the project again. See ../preview for why a preview must never write.
 */
import { UNKNOWN } from "../engine-values";
import { predictCreate, predictUpdate } from "../preview";
import { planSet } from "./diff";
import { copyState, dropEntry, emptyState, entryInputs, entryState, putEntry, setLevel } from "./entries";
import { setId } from "./apply";
import type { SetInputs, SetState, UnmanagedWebhook } from "./types";

/** The list the step makes after its writes: empty under `ignore`, otherwise only the server can tell. */
const unmanagedAfter = (inputs: SetInputs): UnmanagedWebhook[] =>
  inputs.unmanaged === "ignore" ? [] : (UNKNOWN as unknown as UnmanagedWebhook[]);

export function predictCreateSet(inputs: SetInputs): { id: string; outs: SetState } {
  const state = emptyState(inputs);
  for (const key of Object.keys(inputs.webhooks))
    putEntry(state, key, predictCreate(entryInputs(inputs, key)).outs);
  state.unmanagedWebhooks = unmanagedAfter(inputs);
  return { id: inputs.projectId === UNKNOWN ? "" : setId(inputs), outs: state };
}

export function predictUpdateSet(olds: SetState, news: SetInputs): { outs: SetState } {
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
