/**
 * The shapes of a `WebhookSet`, all of a project's webhooks as one resource: what a program
 * declares, what check hands on, and what state stores. Types only, and the constants both doors
 * and the zod schema (./schema) share, so that a door never loads zod to name them.
 *
 * A set is many webhooks run by the one webhook lifecycle (../): each entry is checked, diffed,
 * created, updated and deleted by the very functions that run a `Webhook`. The set adds what only
 * a set can do: one engine step for all entries, requests in parallel, and the webhooks of the
 * project that no entry declares.
 */
import type { EventValidationMode } from "../events";
import type { SecretSource, WebhookInputs } from "../schema";

/** What an entry may declare: a `Webhook`'s own inputs. The connection and validation mode are the set's. */
export const ENTRY_KEYS = [
  "name",
  "url",
  "events",
  "enabled",
  "tls",
  "authUsername",
  "authPassword",
  "secret",
  "rotationTrigger",
  "webhookId",
] as const;
export type EntryKey = (typeof ENTRY_KEYS)[number];

/** The `Webhook` inputs an entry takes from its set, never declares: one connection, one validation mode, no adoption. */
export const SET_LEVEL_KEYS = ["projectId", "endpoint", "apiKey", "eventValidation", "adopt"] as const;
export type SetLevelKey = (typeof SET_LEVEL_KEYS)[number];

/** What the set does with a webhook of its project that no entry declares. */
export const UNMANAGED_POLICIES = ["ignore", "report", "delete"] as const;
export type UnmanagedPolicy = (typeof UNMANAGED_POLICIES)[number];

/**
 * Requests in flight at once within the set's step. Ten keeps a 500-webhook `up` near one
 * second of requests at 25 ms each, while a self-hosted server's PHP workers (Swoole defaults to
 * one per core, times six) keep room for everyone else; API-key requests are not rate-limited by
 * Appwrite, and a 429 is still honoured with its Retry-After.
 */
export const DEFAULT_CONCURRENCY = 10;
export const MAX_CONCURRENCY = 100;

export const SET_DEFAULTS = {
  unmanaged: "report",
  ignoreUnmanaged: [] as string[],
  concurrency: DEFAULT_CONCURRENCY,
  eventValidation: "1.9.6",
} as const;

/**
 * Outputs that hold credentials, by key: secret in state and on the wire. The entries' own
 * credentials (`authPassword`, a declared `secret`) live only in the inputs, where the door marks
 * them secret, and in these maps.
 */
export const SET_SECRET_PROPERTIES = ["secrets", "previousSecrets", "authPasswords", "apiKey"] as const;

/** One entry after check: the webhook inputs it declares, with the ID fixed (declared or derived). */
export type EntryInputs = Pick<WebhookInputs, EntryKey> & {
  webhookId: string;
  /** The digest the derived ID came from (see ../check): how create knows a webhook of its own. */
  resourceHash?: string;
};

/** The set's checked inputs: entries, policy, and one connection for all of them. */
export interface SetInputs {
  webhooks: Record<string, EntryInputs>;
  unmanaged: UnmanagedPolicy;
  ignoreUnmanaged: string[];
  concurrency: number;
  eventValidation: EventValidationMode;
  projectId: string;
  endpoint: string;
  apiKey?: string;
}

/**
 * One entry as state keeps it, besides the maps by key: the fields that have no output map of
 * their own. No credential (the secret maps hold those) and no connection (the set's).
 */
export interface EntryRecord {
  name: string;
  url: string;
  events: string[];
  tls: boolean;
  authUsername?: string;
  rotationTrigger?: string | number;
  secretSource: SecretSource;
}

/** A webhook of the project that no entry declares: what identifies it, never its keys. */
export interface UnmanagedWebhook {
  id: string;
  name: string;
  url: string;
  events: string[];
}

/** The set as state stores it. Every map is keyed by the entry's key. */
export interface SetState extends Omit<SetInputs, "webhooks"> {
  webhooks: Record<string, EntryRecord>;
  webhookIds: Record<string, string>;
  secrets: Record<string, string>;
  previousSecrets: Record<string, string>;
  authPasswords: Record<string, string>;
  secretRotatedAt: Record<string, string>;
  enabled: Record<string, boolean>;
  attempts: Record<string, number>;
  logs: Record<string, string>;
  unmanagedWebhooks: UnmanagedWebhook[];
}

/** The maps of `SetState` by key, in state order. */
export const ENTRY_MAPS = [
  "webhookIds",
  "secrets",
  "previousSecrets",
  "authPasswords",
  "secretRotatedAt",
  "enabled",
  "attempts",
  "logs",
] as const;
