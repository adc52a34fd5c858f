/**
 * The webhooks a resource declares, as the policies read them: one for a `Webhook` of either
 * door, one per entry of a `WebhookSet` of either door. Each knows where its fields sit in the
 * resource (`url`, or `webhooks.orders.url` for a set's entry), so a violation names the field a
 * reader can find in the program.
 *
 * The engine hands a policy pack the resource's inputs after the provider's check (for
 * `validateResource`) and its outputs (for `validateStack`). During a preview some of them are
 * unknown: @pulumi/policy throws on reading one, which would abort the policy for every webhook
 * of the resource, so each field is read on its own and an unknown one is reported as such.
 */
import { UnknownValueError } from "@pulumi/policy";

/** The type tokens of a single webhook: the dynamic door's and the plugin door's. */
export const WEBHOOK_TYPES: readonly string[] = [
  "pulumi-nodejs:dynamic/appwrite:Webhook",
  "appwrite-webhooks:index:Webhook",
];
/** The type tokens of a `WebhookSet`: the dynamic door's and the plugin door's. */
export const WEBHOOK_SET_TYPES: readonly string[] = [
  "pulumi-nodejs:dynamic/appwrite:WebhookSet",
  "appwrite-webhooks:index:WebhookSet",
];

/** A value that is not known until `pulumi up` (computed by another resource, or by this one). */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Read = unknown;

/** One declared webhook: a `Webhook`, or one entry of a `WebhookSet`. */
export interface DeclaredWebhook {
  /** The resource's name, as the program gives it. */
  resource: string;
  /** Where this webhook's fields sit: "" for a `Webhook`, "webhooks.<key>." for a set's entry. */
  prefix: string;
  /** A field of the webhook, `UNKNOWN` when the engine does not know it yet. */
  field(name: string): Read;
  /** A field of the resource that carries the webhook (a set's `eventValidation` is the set's). */
  resourceField(name: string): Read;
}

/** Reads `key` of `object`, turning @pulumi/policy's unknown-value error into `UNKNOWN`. */
export function readKnown(object: unknown, key: string): Read {
  if (object === null || typeof object !== "object") return undefined;
  try {
    return (object as Record<string, unknown>)[key];
  } catch (error) {
    if (error instanceof UnknownValueError) return UNKNOWN;
    throw error;
  }
}

/**
 * The webhooks `props` declares when the resource is of one of our types, otherwise none. The
 * entries of a set come in key order, so reports are stable; a set whose `webhooks` map is
 * unknown yields no entry (there is nothing to check before `up`).
 */
export function declaredWebhooks(type: string, resource: string, props: unknown): DeclaredWebhook[] {
  const resourceField = (name: string) => readKnown(props, name);
  if (WEBHOOK_TYPES.includes(type)) {
    return [{ resource, prefix: "", field: resourceField, resourceField }];
  }
  if (!WEBHOOK_SET_TYPES.includes(type)) return [];
  const entries = readKnown(props, "webhooks");
  if (entries === UNKNOWN || entries === null || typeof entries !== "object") return [];
  return Object.keys(entries)
    .sort()
    .map((key) => {
      const entry = readKnown(entries, key);
      return { resource, prefix: `webhooks.${key}.`, field: (name) => readKnown(entry, name), resourceField };
    });
}
