/**
 * `create`: POST the webhook, and when its ID is taken, decide whether this resource may take the
 * existing webhook over (`adopt`, or its own webhook left by an interrupted run) or must fail
 * with a message that says what to do. A webhook taken over is brought to the declared state
 * and given a known signing key, or recorded in state as a partial failure: nothing is orphaned.
 */
import type { AppwriteClient, AppwriteWebhook } from "../appwrite/client";
import type { Connection } from "../appwrite/config";
import { AppwriteApiError, ResourceInitError } from "../appwrite/errors";
import { clientFor } from "./connect";
import { PROVIDER_KEY } from "./engine-values";
import type { WebhookInputs, WebhookState } from "./schema";
import {
  hasBody,
  hasDerivedId,
  isOwnWebhook,
  rotationTimestamp,
  toBody,
  toState,
  type SecretFacts,
} from "./state";

type Raw = Record<string, unknown>;

/**
 * Webhooks that a create in this provider process took over (adopted, or found as its own from
 * an interrupted run), by server and ID: each now belongs to the resource that took it over.
 * A replace that creates before it deletes (`pulumi up --replace`, a tainted resource) checks
 * the new resource afresh, so it derives (or declares) the ID it already has, meets its own
 * webhook, and takes it over; the old resource's delete of that ID then comes in the same deployment, through the
 * same provider process, and must leave the webhook to its replacement. So does the delete of a
 * renamed resource whose successor adopted its webhook. Webhook IDs are unique per server, hence
 * the endpoint in the key.
 */
const takenOver = new Set<string>();
const ownerKey = (connection: Connection, id: string): string => JSON.stringify([connection.endpoint, id]);

/**
 * True, once, for a webhook that a create of this run took over: the delete asking is of the
 * state entry it replaced, and must leave the webhook to its new owner.
 */
export function releaseTakenOver(connection: Connection, id: string): boolean {
  return takenOver.delete(ownerKey(connection, id));
}

export interface CreateResult {
  id: string;
  outs: WebhookState;
}

export async function create(inputs: WebhookInputs & Raw): Promise<CreateResult> {
  const { client, connection } = clientFor(inputs);
  const id = inputs.webhookId;
  let created: AppwriteWebhook;
  let recovered: boolean;
  try {
    const outcome = await client.create(id, toBody(inputs), inputs.secret);
    created = outcome.webhook;
    recovered = outcome.recoveredAfterLostResponse;
  } catch (error) {
    if (error instanceof AppwriteApiError && error.type === "webhook_already_exists") {
      const existing = await client.find(id);
      if (existing && inputs.adopt) {
        console.error(
          `pulumi-appwrite-webhooks: adopting existing webhook ${id}; its signing key is ` +
            (inputs.secret ? "set to the declared secret" : "rotated") +
            ". Receivers need the new key (see the secret output).",
        );
        return takeOver(client, connection, inputs, existing, "adopted");
      }
      if (existing && isOwnWebhook(inputs, existing)) {
        // No key or password in this line: only the ID and why it is taken (see isOwnWebhook).
        console.error(
          `pulumi-appwrite-webhooks: webhook ${id} already exists ` +
            (hasDerivedId(inputs)
              ? "under this resource's derived ID with its declared name, URL and events"
              : "under its declared ID with the declared name, URL and events; Appwrite webhooks carry " +
                "no owner, so that webhook is taken as this declaration's") +
            " (left by a run that did not record it, or the webhook this resource replaces); " +
            "taking it over and setting its signing key",
        );
        return takeOver(client, connection, inputs, existing, "this resource's own");
      }
      throw alreadyExistsError(inputs, existing);
    }
    throw error;
  }
  if (!recovered) {
    const secret: SecretFacts = { secret: created.secret, secretSource: inputs.secret ? "user" : "appwrite" };
    return { id, outs: toState(inputs, created, secret) };
  }
  // The POST was written but its answer, with the only copy of a generated key, was lost.
  // Make state certain: send the desired state again and set the key we will record.
  return converge(client, inputs, created, "the create request's answer was lost");
}

/** Makes an existing webhook this resource's, recorded so that a delete in this run leaves it alone. */
function takeOver(
  client: AppwriteClient,
  connection: Connection,
  inputs: WebhookInputs & Raw,
  existing: AppwriteWebhook,
  why: string,
): Promise<CreateResult> {
  takenOver.add(ownerKey(connection, inputs.webhookId));
  return converge(client, inputs, existing, why);
}

/**
 * Brings an existing webhook to the declared state and makes its key known: the declared
 * secret, or a fresh server-generated one. Any failure after this point still records the
 * webhook in state (Pulumi's partial-failure shape), so nothing is orphaned.
 */
async function converge(
  client: AppwriteClient,
  inputs: WebhookInputs & Raw,
  existing: AppwriteWebhook,
  why: string,
): Promise<CreateResult> {
  const id = inputs.webhookId;
  let current = existing;
  try {
    // A webhook left by a killed run usually has the declared state already: no PUT then.
    const body = toBody(inputs);
    if (!hasBody(existing, body)) current = await client.update(id, body);
    const rotated = await client.updateSecret(id, inputs.secret);
    const secret: SecretFacts = {
      secret: rotated.secret,
      secretSource: inputs.secret ? "user" : "appwrite",
      secretRotatedAt: rotationTimestamp(),
    };
    return { id, outs: toState(inputs, rotated, secret) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const properties = {
      ...toState(inputs, current, { secret: "", secretSource: "appwrite" }),
      [PROVIDER_KEY]: inputs[PROVIDER_KEY],
    };
    throw new ResourceInitError(
      `webhook ${id} exists (${why}) but its signing key could not be set: ${reason}. ` +
        "It is recorded in state; run `pulumi up` again to finish (the key will be rotated).",
      id,
      properties,
    );
  }
}

/** `existing` is the webhook under that ID in this project, if any (a 409 without one: another project has it). */
function alreadyExistsError(inputs: WebhookInputs, existing: AppwriteWebhook | undefined): Error {
  const ours = existing !== undefined;
  return new Error(
    ours
      ? `webhook ${inputs.webhookId} already exists in project ${inputs.projectId}. To manage it with Pulumi, ` +
          "set `adopt: true` on this Webhook (its signing key is then replaced by the declared `secret` or a new one), " +
          "or choose another webhookId."
      : `webhook ID ${inputs.webhookId} is taken by a webhook of another project on this server ` +
          "(Appwrite webhook IDs are unique per server). Choose another webhookId, or omit it to let the provider pick one.",
  );
}
