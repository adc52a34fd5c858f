/**
 * `read`, the refresh: the live fields from the server, through the batched reads that let one
 * list serve many refreshes, and the secret kept from state, since the API returns it as "".
 */
import { readWebhook } from "../appwrite/batched-reads";
import { connect } from "./connect";
import type { WebhookInputs, WebhookState } from "./schema";
import { importedInputs, importedState, inputsFromState, withLiveFields } from "./state";

const isStoredState = (props: WebhookState | Record<string, never>): props is WebhookState =>
  props.webhookId !== undefined;

export interface ReadResult {
  id: string;
  props?: WebhookState;
  inputs?: Partial<WebhookInputs>;
}

/**
 * Refresh: the live fields from the server and, since the API returns the secret as "", the
 * key kept from state. A webhook that is gone returns an empty ID, so refresh drops it.
 */
export async function read(id: string, props: WebhookState | Record<string, never>): Promise<ReadResult> {
  const { client, connection } = connect(props);
  const live = await readWebhook(client, connection, id);
  if (!live) return { id: "" };
  if (isStoredState(props)) {
    const state = withLiveFields(props, live);
    return { id, props: state, inputs: inputsFromState(state) };
  }
  // `pulumi import` reads with only an ID: the target is the provider's configured one.
  const state = importedState(connection, live);
  return { id, props: state, inputs: importedInputs(state) };
}
