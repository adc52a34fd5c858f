/**
 * `diff`: which declared fields changed, which of them replace the webhook, and what a preview
 * shows for each property path. The helpers that decide whether a step sends a PUT or a new key
 * (`changedWebhookFields`, `secretChangeRequested`) are here too, so update and the preview ask
 * the very question diff answered.
 */
import { isUnknown } from "./engine-values";
import type { WebhookInputs, WebhookState } from "./schema";
import { IDENTITY_FIELDS, WEBHOOK_FIELDS, sameEvents } from "./state";

/** What happened to one property path, as Pulumi's detailed diff names it. */
export type PropertyChange =
  "add" | "delete" | "update" | "add-replace" | "delete-replace" | "update-replace";

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** The top-level inputs that changed, so the preview's summary names them (`~authPassword`). */
  diffs: string[];
  /**
   * What changed, by property path (`authPassword`, `events[2]`). Only the kind of change is
   * given: the engine shows the values from state and inputs, masking secrets, so a change to a
   * secret alone is named without showing it. Events are a set: an added event is an add at its
   * new index, a removed one a delete at its old index, and a reorder no change at all.
   */
  detailedDiff: Record<string, PropertyChange>;
}

/** A declared value that is not known yet (preview) counts as changed: `up` may find it so. */
export function differs(before: unknown, after: unknown): boolean {
  return isUnknown(after) || JSON.stringify(before) !== JSON.stringify(after);
}

/** Why a new signing key is due: a key state does not hold, a new declared secret, a new trigger. */
function secretChangeReasons(olds: WebhookState, news: WebhookInputs) {
  return {
    // An empty key in state means a partial failure left it unknown: the next `up` must set one.
    // After `pulumi import` it is unknown too, but in force: only an explicit request replaces it,
    // or a plain `up` would break every receiver of a production webhook.
    keyMissing: !olds.secret && olds.secretSource !== "unknown",
    newSecret: news.secret !== undefined && differs(olds.secret, news.secret),
    newTrigger: news.rotationTrigger !== undefined && differs(olds.rotationTrigger, news.rotationTrigger),
  };
}

/** True when the declared secret or the rotation trigger asks for a new signing key. */
export function secretChangeRequested(olds: WebhookState, news: WebhookInputs): boolean {
  const { keyMissing, newSecret, newTrigger } = secretChangeReasons(olds, news);
  return keyMissing || newSecret || newTrigger;
}

/** The stored fields the declaration changes: any of them means a PUT. */
export function changedWebhookFields(
  olds: WebhookState,
  news: WebhookInputs,
): (typeof WEBHOOK_FIELDS)[number][] {
  return WEBHOOK_FIELDS.filter((field) =>
    field === "events"
      ? isUnknown(news.events) ||
        (Array.isArray(news.events) && news.events.some(isUnknown)) ||
        !sameEvents(olds.events, news.events)
      : differs(olds[field], news[field]),
  );
}

/** Add, delete or update, from whether the property is present before and after. */
function changeKind(before: unknown, after: unknown): "add" | "delete" | "update" {
  if (before === undefined || before === "") return "add";
  return after === undefined ? "delete" : "update";
}

/**
 * The events that changed as a set: each removed event at its old index, each added one at its
 * new index. Where a removal and an addition share an index, that index is an update (old value
 * to new value), which says the same. An events list not known yet is one update of `events`.
 */
function eventChanges(olds: WebhookState, news: WebhookInputs): Record<string, PropertyChange> {
  const before = olds.events;
  const after = news.events;
  if (!Array.isArray(before) || !Array.isArray(after) || after.some(isUnknown)) return { events: "update" };
  const kept = { before: new Set(after), after: new Set(before) };
  const changes: Record<string, PropertyChange> = {};
  before.forEach((event, index) => {
    if (!kept.before.has(event)) changes[`events[${index}]`] = "delete";
  });
  after.forEach((event, index) => {
    if (kept.after.has(event)) return;
    const path = `events[${index}]`;
    changes[path] = changes[path] === "delete" ? "update" : "add";
  });
  return changes;
}

/**
 * Explicit diff over declared fields only. Computed fields (attempts, logs, timestamps) and
 * `__provider` never cause a change; `changes: false` is returned rather than undefined, which
 * the engine would read as "unknown" and diff itself, `__provider` included.
 */
export function diff(_id: string, olds: WebhookState, news: WebhookInputs): DiffResult {
  const replaces = IDENTITY_FIELDS.filter((field) => differs(olds[field], news[field]));
  const webhookFields = changedWebhookFields(olds, news);
  // No API call for these, but state must carry the key delete will use, the validation mode,
  // and whether delete leaves the webhook in place (adopted). A new endpoint is an update too:
  // the same server under another address costs one read, and another server gets the webhook
  // moved to it (see `update`).
  const stateOnly = (["endpoint", "apiKey", "eventValidation", "rotationTrigger", "adopt"] as const).filter(
    (field) => differs(olds[field], news[field]),
  );
  const secretRequested = secretChangeRequested(olds, news);
  const updates = [...webhookFields, ...(secretRequested ? ["secret"] : []), ...stateOnly];

  const detailedDiff: Record<string, PropertyChange> = {};
  for (const field of replaces) detailedDiff[field] = `${changeKind(olds[field], news[field])}-replace`;
  for (const field of [...webhookFields, ...stateOnly]) {
    if (field === "events") Object.assign(detailedDiff, eventChanges(olds, news));
    else detailedDiff[field] = changeKind(olds[field], news[field]);
  }
  // A new key is named where it comes from: a changed rotationTrigger is listed already; a changed
  // declared secret, or a key state does not hold (after a partial failure), is the secret itself.
  const { keyMissing, newSecret } = secretChangeReasons(olds, news);
  if (keyMissing || newSecret) detailedDiff.secret = olds.secret ? "update" : "add";
  return {
    changes: replaces.length > 0 || updates.length > 0,
    replaces,
    // Webhook IDs are unique across an Appwrite server: moving the same ID to another project,
    // on the same server or (an endpoint that changed too) perhaps the same one under another
    // address, must delete the old webhook first, or the create fails with 409.
    deleteBeforeReplace: replaces.length > 0 && news.webhookId === olds.webhookId,
    diffs: [...new Set([...replaces, ...Object.keys(detailedDiff).map((path) => path.replace(/\[.*$/, ""))])],
    detailedDiff,
  };
}
