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

/** State as the engine stores it: every optional output present, null when there is none. */
export function toStoredOutputs<T extends object>(state: T): T {
  const stored = { ...state } as Record<string, unknown>;
  for (const key of OPTIONAL_OUTPUTS) stored[key] ??= null;
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
    logs: webhook.logs,
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
    logs: webhook.logs,
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
    eventValidation: "1.9.6",
    adopt: false,
    secret: "",
    secretSource: "unknown",
  } as WebhookState;
  return withLiveFields(seed, webhook);
}

/** The inputs that would produce `state`: what read returns so a diff after refresh is truthful. */
export function inputsFromState(state: WebhookState): Partial<WebhookInputs> {
  const inputs: Record<string, unknown> = {};
  for (const key of INPUT_KEYS) inputs[key] = state[key];
  // A server-generated key was never an input.
  if (state.secretSource !== "user") delete inputs.secret;
  return compact(inputs) as Partial<WebhookInputs>;
}
