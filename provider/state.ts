/**
 * Mapping between the lifecycle's plain data (checked inputs, state) and Appwrite's wire model.
 * Kept apart from the lifecycle so that each lifecycle step reads as the API calls it makes.
 */
import { randomBytes } from "node:crypto";
import type { AppwriteWebhook, WebhookBody } from "./client";
import type { SecretSource, WebhookInputs, WebhookState } from "./schema";

/** The inputs a program declares, in state order. Read reconstructs exactly these. */
export const INPUT_KEYS = [
  "name",
  "url",
  "events",
  "enabled",
  "tls",
  "authUsername",
  "authPassword",
  "webhookId",
  "secret",
  "rotationTrigger",
  "projectId",
  "endpoint",
  "apiKey",
  "eventValidation",
  "adopt",
] as const satisfies readonly (keyof WebhookInputs)[];

/** Fields that Appwrite stores for the webhook (what PUT sends); a change to any of them needs a PUT. */
export const WEBHOOK_FIELDS = [
  "name",
  "url",
  "events",
  "enabled",
  "tls",
  "authUsername",
  "authPassword",
] as const;

/** Fields that name a different webhook when they change: a new one is created, the old one deleted. */
export const IDENTITY_FIELDS = ["webhookId", "projectId", "endpoint"] as const;

/**
 * A webhook ID in the shape of Appwrite's `ID::unique()`: 13 hex digits of time (as PHP's
 * uniqid) and 7 random hex digits. Time-ordered IDs list in creation order.
 */
export function generateWebhookId(now = Date.now()): string {
  const seconds = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, "0");
  const micros = ((now % 1000) * 1000).toString(16).padStart(5, "0");
  return `${seconds}${micros}${randomBytes(4).toString("hex").slice(0, 7)}`;
}

/** The body for POST and PUT: the full desired state, with empty auth omitted rather than "". */
export function toBody(inputs: Pick<WebhookInputs, (typeof WEBHOOK_FIELDS)[number]>): WebhookBody {
  return {
    name: inputs.name,
    url: inputs.url,
    events: inputs.events,
    enabled: inputs.enabled,
    tls: inputs.tls,
    ...(inputs.authUsername === undefined ? {} : { authUsername: inputs.authUsername }),
    ...(inputs.authPassword === undefined ? {} : { authPassword: inputs.authPassword }),
  };
}

/** Same events regardless of order and duplicates: Appwrite matches them as a set. */
export function sameEvents(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const left = new Set(a ?? []);
  const right = new Set(b ?? []);
  return left.size === right.size && [...left].every((event) => right.has(event));
}

/** Drops undefined values: Pulumi's struct encoding has no undefined, and absent reads better in state. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The most of Appwrite's delivery log that state keeps per webhook, in UTF-8 bytes. Appwrite's
 * log holds up to 10,000 bytes of the receiver's last failing response; state is rewritten in
 * full on every step of every command, so 500 failing webhooks would add 5 MB to each rewrite.
 * 256 bytes keep the status line or curl error and the start of the response body, which tell
 * what failed; the full log stays in Appwrite (console, or `GET /v1/webhooks/{id}`).
 */
export const LOGS_SUMMARY_BYTES = 256;

/**
 * A bounded summary of Appwrite's log of the last failed delivery: the lines that repeat the
 * webhook's own URL and method are dropped (they are in state already), and a longer log is cut
 * at a character boundary with a note of how much was left out.
 */
export function summarizeLogs(webhook: Pick<AppwriteWebhook, "$id" | "url" | "logs">): string {
  const prefix = `URL: ${webhook.url}\nMethod: POST\n`;
  const text = webhook.logs.startsWith(prefix) ? webhook.logs.slice(prefix.length) : webhook.logs;
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= LOGS_SUMMARY_BYTES) return text;
  const note = (rest: number) => `… [${rest} more bytes: GET /v1/webhooks/${webhook.$id}]`;
  let end = LOGS_SUMMARY_BYTES - Buffer.byteLength(note(bytes.length));
  // Back up to the start of a UTF-8 character (continuation bytes are 0b10xxxxxx).
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8") + note(bytes.length - end);
}

export interface SecretFacts {
  secret: string;
  secretSource: SecretSource;
  previousSecret?: string | undefined;
  secretRotatedAt?: string | undefined;
}

/** State after a call that returned the webhook: declared inputs, live computed fields, known secret. */
export function toState(inputs: WebhookInputs, webhook: AppwriteWebhook, secrets: SecretFacts): WebhookState {
  return compact({
    ...inputs,
    // Live values of fields Appwrite owns, so refresh and drift detection see the truth.
    enabled: webhook.enabled,
    ...secrets,
    createdAt: webhook.$createdAt,
    updatedAt: webhook.$updatedAt,
    attempts: webhook.attempts,
    logs: summarizeLogs(webhook),
  });
}

/** Overlays what the server now holds onto the state, keeping what it cannot tell us (the secret). */
export function withLiveFields(state: WebhookState, webhook: AppwriteWebhook): WebhookState {
  return compact({
    ...state,
    name: webhook.name,
    url: webhook.url,
    // Keep the declared order when the set is the same, so a refresh does not churn state.
    events: sameEvents(state.events, webhook.events) ? state.events : webhook.events,
    enabled: webhook.enabled,
    tls: webhook.tls,
    authUsername: webhook.authUsername === "" ? undefined : webhook.authUsername,
    authPassword: webhook.authPassword === "" ? undefined : webhook.authPassword,
    createdAt: webhook.$createdAt,
    updatedAt: webhook.$updatedAt,
    attempts: webhook.attempts,
    logs: summarizeLogs(webhook),
  });
}

/** The inputs that would produce `state`: what read returns so a diff after refresh is truthful. */
export function inputsFromState(state: WebhookState): Partial<WebhookInputs> {
  const inputs: Record<string, unknown> = {};
  for (const key of INPUT_KEYS) inputs[key] = state[key];
  // A server-generated key was never an input.
  if (state.secretSource !== "user") delete inputs.secret;
  return compact(inputs) as Partial<WebhookInputs>;
}
