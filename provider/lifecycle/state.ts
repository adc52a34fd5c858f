/**
 * Mapping between the lifecycle's plain data (checked inputs, state) and Appwrite's wire model.
 * Kept apart from the lifecycle so that each lifecycle step reads as the API calls it makes.
 */
import { createHash, randomBytes } from "node:crypto";
import { ARG_DEFAULTS } from "./arg-defaults";
import type { AppwriteWebhook, WebhookBody } from "../appwrite/client";
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

/**
 * Fields that name a different webhook when they change: a new one is created, the old one
 * deleted. The endpoint is not one of them: it is an address, and two addresses can reach one
 * server (`127.0.0.1` and `localhost`, or Appwrite Cloud's global and regional hostnames). The
 * lifecycle's update tells a new address of the same server from another server.
 */
export const IDENTITY_FIELDS = ["webhookId", "projectId"] as const;

/**
 * A webhook ID in the shape of Appwrite's `ID::unique()`: 13 hex digits of time (as PHP's
 * uniqid) and 7 random hex digits. Only for a caller that names no resource (see `check`): a
 * random ID cannot be found again by a run that did not record it.
 */
export function generateWebhookId(now = Date.now()): string {
  const seconds = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, "0");
  const micros = ((now % 1000) * 1000).toString(16).padStart(5, "0");
  return `${seconds}${micros}${randomBytes(4).toString("hex").slice(0, 7)}`;
}

/**
 * Length of a derived webhook ID: 20 hex digits, the length of Appwrite's own `ID::unique()`, so
 * derived IDs look like the ones the console makes. 80 bits keep a collision improbable at any
 * server's scale (about 4e-13 for a million webhooks on one server), well inside the 36 allowed.
 */
const DERIVED_ID_LENGTH = 20;
/** Length of the resource's digest kept in the checked inputs: 64 bits is plenty to tell resources apart. */
const RESOURCE_HASH_LENGTH = 16;
/** Versioned, so a future change of the derivation can never yield an existing resource's ID by accident. */
const DERIVATION_TAG = "pulumi-appwrite-webhooks/webhook-id/v1";

const sha256Hex = (parts: readonly string[]): string =>
  // JSON of the list is an unambiguous encoding: no two lists of strings share one.
  createHash("sha256").update(JSON.stringify(parts)).digest("hex");

/**
 * A short digest of the key a door gives for the resource (the Pulumi URN, opaque here). It is
 * what the checked inputs carry, so state holds 16 characters rather than the whole URN.
 */
export function resourceHash(resourceKey: string): string {
  return sha256Hex([DERIVATION_TAG, resourceKey]).slice(0, RESOURCE_HASH_LENGTH);
}

/**
 * The webhook ID of a resource that declares none: a digest of the resource and of the endpoint
 * and project it targets. The target belongs in it because webhook IDs are unique across a whole
 * Appwrite server: the same stack applied to two projects of one server needs two IDs. Hex digits
 * always start alphanumeric, as Appwrite's CustomId rule asks.
 */
export function deriveWebhookId(hash: string, endpoint: string, projectId: string): string {
  return sha256Hex([DERIVATION_TAG, hash, endpoint, projectId]).slice(0, DERIVED_ID_LENGTH);
}

/**
 * The ID of a resource that has none yet, derived from `resourceKey` and the target; `unknown` is
 * the value preview passes for what is not known yet (then the ID is not known either). `hash`
 * goes into the checked inputs with it: it is how create recognises a webhook of its own, and
 * later checks keep it beside the kept ID. Without a key (a caller that names no resource) the
 * ID is random, as before derived IDs.
 */
export function newWebhookId(
  target: { endpoint: string; projectId: string },
  resourceKey: string | undefined,
  unknown: string,
): { webhookId?: string; hash?: string } {
  if (resourceKey === undefined) return { webhookId: generateWebhookId() };
  if ([resourceKey, target.endpoint, target.projectId].includes(unknown)) return { webhookId: unknown };
  const hash = resourceHash(resourceKey);
  return { webhookId: deriveWebhookId(hash, target.endpoint, target.projectId), hash };
}

/**
 * A 409 on this resource's ID, for a webhook that has the declared name, URL and events, is this
 * resource's own: created by a run that died before recording it (killed, or without checkpoints),
 * by a create whose answer never came, or the webhook of the old resource a replace is creating
 * over (the lifecycle then keeps that delete from removing it). Anything else is someone else's
 * webhook and stays a conflict that explains `adopt: true`.
 *
 * A derived ID is a digest of this resource and its target, so no other resource makes it. A
 * declared ID (GitOps's `<idPrefix><id>`) is the program's own claim, and Appwrite webhooks carry
 * no ownership marker: nothing on the server can tell the webhook this declaration made from one
 * made by hand with the same ID and the same name, URL and events. Such a twin is taken as the
 * declaration itself, the trade that makes a declared ID recover from an interrupted run as a
 * derived one does; its key is then replaced by one that state records (and the takeover is
 * logged), where a webhook that differs in any of the three stays an error until `adopt: true`.
 */
export function isOwnWebhook(inputs: WebhookInputs, existing: AppwriteWebhook): boolean {
  return (
    existing.name === inputs.name && existing.url === inputs.url && sameEvents(existing.events, inputs.events)
  );
}

/** Whether the checked inputs carry a derived ID (check keeps the digest it came from beside it). */
export function hasDerivedId(inputs: WebhookInputs & { resourceHash?: unknown }): boolean {
  const hash = inputs.resourceHash;
  return (
    typeof hash === "string" && deriveWebhookId(hash, inputs.endpoint, inputs.projectId) === inputs.webhookId
  );
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

/** Whether a webhook on the server already has every field `body` would set (so a PUT would change nothing). */
export function hasBody(existing: AppwriteWebhook, body: WebhookBody): boolean {
  return (
    existing.name === body.name &&
    existing.url === body.url &&
    sameEvents(existing.events, body.events) &&
    existing.enabled === body.enabled &&
    existing.tls === body.tls &&
    existing.authUsername === (body.authUsername ?? "") &&
    existing.authPassword === (body.authPassword ?? "")
  );
}

/** Same events regardless of order and duplicates: Appwrite matches them as a set. */
export function sameEvents(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const left = new Set(a ?? []);
  const right = new Set(b ?? []);
  return left.size === right.size && [...left].every((event) => right.has(event));
}

/**
 * Outputs the `Webhook` class declares that a webhook may lack (no basic auth, never rotated,
 * key from config). Pulumi resolves a declared output that is absent from state as unknown on
 * every preview, and warns "Undefined value" when a program exports it after `up`; recorded
 * as null, each is a definite value that both show as such.
 */
export const OPTIONAL_OUTPUTS = [
  "authUsername",
  "authPassword",
  "rotationTrigger",
  "apiKey",
  "previousSecret",
  "secretRotatedAt",
] as const satisfies readonly (keyof WebhookState)[];

/**
 * State as the engine stores it: every optional output present, null when there is none. A
 * `WebhookSet` names its own optional outputs.
 */
export function toStoredOutputs<T extends object>(
  state: T,
  optional: readonly string[] = OPTIONAL_OUTPUTS,
): T {
  const stored = { ...state } as Record<string, unknown>;
  for (const key of optional) stored[key] ??= null;
  return stored as T;
}

/** State as the lifecycle reads it: the nulls of `toStoredOutputs` become absent again. */
export function fromStoredOutputs<T extends object>(stored: T): T {
  return Object.fromEntries(Object.entries(stored).filter(([, value]) => value !== null)) as T;
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

/** When a signing key was set, as state records it (`secretRotatedAt`). */
export const rotationTimestamp = (): string => new Date().toISOString();

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
    // Only create needs it (to recognise its own webhook); outputs need not carry it.
    resourceHash: undefined,
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

/**
 * State for a webhook adopted by `pulumi import`: only its ID was given, so the target is the
 * provider's configured one and the key is unknown (Appwrite never returns it).
 */
export function importedState(
  target: Pick<WebhookInputs, "endpoint" | "projectId">,
  webhook: AppwriteWebhook,
): WebhookState {
  const seed = {
    webhookId: webhook.$id,
    endpoint: target.endpoint,
    projectId: target.projectId,
    eventValidation: ARG_DEFAULTS.eventValidation,
    adopt: ARG_DEFAULTS.adopt,
    secret: "",
    secretSource: "unknown",
  } as WebhookState;
  return withLiveFields(seed, webhook);
}

/**
 * The inputs `pulumi import` hands back, which the engine prints as the code to paste into the
 * program: the webhook's own fields and its ID, without the connection the provider is configured
 * with (pasted code keeps following the provider) and without arguments at their defaults.
 */
export function importedInputs(state: WebhookState): Partial<WebhookInputs> {
  const own: Record<string, unknown> = inputsFromState(state);
  delete own.endpoint;
  delete own.projectId;
  for (const [key, value] of Object.entries(ARG_DEFAULTS)) if (own[key] === value) delete own[key];
  return own as Partial<WebhookInputs>;
}

/** The inputs that would produce `state`: what read returns so a diff after refresh is truthful. */
export function inputsFromState(state: WebhookState): Partial<WebhookInputs> {
  const inputs: Record<string, unknown> = {};
  for (const key of INPUT_KEYS) inputs[key] = state[key];
  // A server-generated key was never an input.
  if (state.secretSource !== "user") delete inputs.secret;
  return compact(inputs) as Partial<WebhookInputs>;
}
