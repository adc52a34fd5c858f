/**
 * The two doors onto the one lifecycle, for tests that run the same case against both: the
 * dynamic `Webhook` and the plugin's `NativeWebhook`, declared side by side in one stack of the
 * test program (an entry's `door` picks the class).
 */
import { RECEIVER_HOST, url, type WebhookSpec } from "./fixture";

export type Door = "dynamic" | "native";
export const DOORS: readonly Door[] = ["dynamic", "native"];
export const TYPES: Record<Door, string> = {
  dynamic: "pulumi-nodejs:dynamic/appwrite:Webhook",
  native: "appwrite-webhooks:index:Webhook",
};

/** A resource's name in a both-doors stack. */
export const n = (name: string, door: Door) => `${name}_${door}`;
/** The URL of a webhook of one door: its own path, so deliveries are told apart. */
export const doorUrl = (door: Door, path: string) => url(`/${door}${path}`);
export const doorId = (door: Door, id: string) => `${id}-${door}`;

/** The webhooks once per door: `<name>_<door>`, each with its own URL path and fixed ID. */
export function bothDoors(webhooks: Record<string, WebhookSpec>): Record<string, WebhookSpec> {
  return Object.fromEntries(
    DOORS.flatMap((door) =>
      Object.entries(webhooks).map(([name, spec]) => [
        n(name, door),
        {
          ...spec,
          door,
          url: String(spec.url).replace(`https://${RECEIVER_HOST}/`, `https://${RECEIVER_HOST}/${door}/`),
          ...(typeof spec.webhookId === "string" ? { webhookId: doorId(door, spec.webhookId) } : {}),
        },
      ]),
    ),
  );
}
export function bothDoorsSecrets<T>(secrets: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    DOORS.flatMap((door) => Object.entries(secrets).map(([name, v]) => [n(name, door), v])),
  );
}
