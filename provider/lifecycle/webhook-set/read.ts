/**
 * A set's `read`, the refresh: one paged list of the project serves every entry, and tells which
 * webhooks no entry declares. An entry whose webhook is gone leaves state, so the next `up`
 * creates it again; the keys stay from state, since Appwrite never returns them.
 */
import { connect } from "../connect";
import { inputsFromState, withLiveFields } from "../state";
import { copyState, dropEntry, entryOwnInputs, entryState, putEntry, setLevel, sortedKeys } from "./entries";
import { findUnmanaged, unmanagedWarning } from "./unmanaged";
import type { EntryInputs, SetInputs, SetState } from "./types";

export interface SetReadResult {
  id: string;
  props?: SetState;
  inputs?: SetInputs;
}

const isStoredSet = (props: SetState | Record<string, never>): props is SetState =>
  typeof props.webhookIds === "object" && props.webhookIds !== null;

export async function readSet(id: string, props: SetState | Record<string, never>): Promise<SetReadResult> {
  if (!isStoredSet(props)) {
    throw new Error(
      "a WebhookSet cannot be imported by ID. Declare the webhooks as entries with their `webhookId`: " +
        "`pulumi up` takes each one over (its key is set anew, or to the declared `secret`), and recreates none.",
    );
  }
  const { client } = connect(setLevel(props));
  const live = await client.listAll();
  const byId = new Map(live.map((webhook) => [webhook.$id, webhook]));
  const state = copyState(props);
  const webhooks: Record<string, EntryInputs> = {};
  for (const key of sortedKeys(props.webhookIds)) {
    const webhook = byId.get(props.webhookIds[key] ?? "");
    if (!webhook) {
      dropEntry(state, key);
      continue;
    }
    const refreshed = withLiveFields(entryState(props, key), webhook);
    putEntry(state, key, refreshed);
    webhooks[key] = entryOwnInputs(inputsFromState(refreshed));
  }
  state.unmanagedWebhooks = findUnmanaged(
    live,
    new Set(Object.values(state.webhookIds)),
    props.unmanaged,
    props.ignoreUnmanaged,
  );
  if (props.unmanaged === "report" && state.unmanagedWebhooks.length > 0) {
    console.error(unmanagedWarning(props.projectId, state.unmanagedWebhooks));
  }
  return { id, props: state, inputs: { ...setLevel(props), webhooks } };
}
