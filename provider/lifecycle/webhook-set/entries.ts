/**
 * Between a set and its entries: each entry, seen as the one webhook the lifecycle (../) runs,
 * and that webhook's state put back into the set's maps. The set's own rules stay in the files
 * that use them; here only the shape changes.
 */
import { ARG_DEFAULTS } from "../arg-defaults";
import type { WebhookInputs, WebhookState } from "../schema";
import { compact } from "../state";
import {
  ENTRY_MAPS,
  SET_LEVEL_KEYS,
  type EntryInputs,
  type EntryRecord,
  type SetInputs,
  type SetState,
} from "./types";

type Raw = Record<string, unknown>;

/** The set-level inputs, which state keeps beside the entries. */
export function setLevel(inputs: SetInputs | SetState): Omit<SetInputs, "webhooks"> {
  return compact({
    unmanaged: inputs.unmanaged,
    ignoreUnmanaged: inputs.ignoreUnmanaged,
    concurrency: inputs.concurrency,
    eventValidation: inputs.eventValidation,
    projectId: inputs.projectId,
    endpoint: inputs.endpoint,
    apiKey: inputs.apiKey,
  });
}

/** What every entry's webhook takes from its set. An entry is never adopted: it declares its ID instead. */
function inherited(set: SetInputs | SetState) {
  return compact({
    projectId: set.projectId,
    endpoint: set.endpoint,
    apiKey: set.apiKey,
    eventValidation: set.eventValidation,
    adopt: ARG_DEFAULTS.adopt,
  });
}

/** One webhook's inputs as an entry keeps them: without what it takes from its set (`inherited`). */
export function entryOwnInputs(inputs: Record<string, unknown>): EntryInputs {
  const levels: readonly string[] = SET_LEVEL_KEYS;
  return Object.fromEntries(
    Object.entries(inputs).filter(([field]) => !levels.includes(field)),
  ) as EntryInputs;
}

/** The entry `key` as the checked inputs of one webhook. */
export function entryInputs(set: SetInputs, key: string): WebhookInputs & Raw {
  const entry = set.webhooks[key];
  if (!entry) throw new Error(`the set has no entry ${JSON.stringify(key)}`);
  return { ...entry, ...inherited(set) } as WebhookInputs & Raw;
}

/** The entry `key` of the set's state as one webhook's state. */
export function entryState(state: SetState, key: string): WebhookState {
  const { secretSource, ...record } = state.webhooks[key] ?? missing(key);
  return compact({
    ...record,
    webhookId: state.webhookIds[key] ?? missing(key),
    enabled: state.enabled[key] ?? true,
    authPassword: state.authPasswords[key],
    ...inherited(state),
    secret: state.secrets[key] ?? "",
    secretSource,
    previousSecret: state.previousSecrets[key],
    secretRotatedAt: state.secretRotatedAt[key],
    // A set keeps no timestamps per entry (nothing reads them): these are the webhook's, not state's.
    createdAt: "",
    updatedAt: "",
    attempts: state.attempts[key] ?? 0,
    logs: state.logs[key] ?? "",
  }) as WebhookState;
}

function missing(key: string): never {
  throw new Error(`the set's state has no webhook for entry ${JSON.stringify(key)}`);
}

/** A set state with no entries yet. */
export function emptyState(inputs: SetInputs): SetState {
  return {
    ...setLevel(inputs),
    webhooks: {},
    webhookIds: {},
    secrets: {},
    previousSecrets: {},
    authPasswords: {},
    secretRotatedAt: {},
    enabled: {},
    attempts: {},
    logs: {},
    unmanagedWebhooks: [],
  };
}

/** A copy of `state` whose maps can be changed without touching the original. */
export function copyState(state: SetState, level: Omit<SetInputs, "webhooks"> = setLevel(state)): SetState {
  const copy = { ...state, ...level, webhooks: { ...state.webhooks } } as SetState;
  for (const map of ENTRY_MAPS) (copy as unknown as Record<string, Raw>)[map] = { ...state[map] };
  return copy;
}

/** Records one webhook's state as the entry `key` (in place). */
export function putEntry(state: SetState, key: string, webhook: WebhookState): void {
  const record: EntryRecord = compact({
    name: webhook.name,
    url: webhook.url,
    events: webhook.events,
    tls: webhook.tls,
    authUsername: webhook.authUsername,
    rotationTrigger: webhook.rotationTrigger,
    secretSource: webhook.secretSource,
  });
  state.webhooks[key] = record;
  state.webhookIds[key] = webhook.webhookId;
  state.enabled[key] = webhook.enabled;
  state.attempts[key] = webhook.attempts;
  state.logs[key] = webhook.logs;
  setOrDrop(state.secrets, key, webhook.secret || undefined);
  setOrDrop(state.previousSecrets, key, webhook.previousSecret);
  setOrDrop(state.authPasswords, key, webhook.authPassword);
  setOrDrop(state.secretRotatedAt, key, webhook.secretRotatedAt);
}

/** Forgets the entry `key` (in place). */
export function dropEntry(state: SetState, key: string): void {
  delete state.webhooks[key];
  for (const map of ENTRY_MAPS) delete (state[map] as Raw)[key];
}

function setOrDrop<T>(map: Record<string, T>, key: string, value: T | undefined): void {
  if (value === undefined) delete map[key];
  else map[key] = value;
}

/**
 * A key as a step of a Pulumi property path (`webhooks.orders`, `webhooks["orders.v2"]`), the
 * form the engine reads in a detailed diff and prints in a preview.
 */
export function entryPath(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `webhooks.${key}` : `webhooks[${JSON.stringify(key)}]`;
}

/** Keys in a stable order, so requests, messages and state never depend on a map's history. */
export const sortedKeys = (map: object): string[] => Object.keys(map).sort();
