/**
 * A set's `diff`, and the plan that create and update then carry out: each entry diffed by the
 * webhook's own diff (../diff), so an entry changes exactly when the same `Webhook` would, and
 * its requests are the ones that `Webhook` would send. A new project or endpoint replaces the
 * whole set; any other set-level input changes state only, or the unmanaged webhooks to delete.
 */
import { diff as diffWebhook, differs, type DiffResult, type PropertyChange } from "../diff";
import { isUnknown } from "../engine-values";
import { entryInputs, entryPath, entryState, setLevel, sortedKeys } from "./entries";
import { isIgnored, unmanagedDeletionNotice } from "./unmanaged";
import type { SetInputs, SetState, UnmanagedWebhook } from "./types";

/** What the set's step does, entry by entry. */
export interface SetPlan {
  creates: string[];
  updates: string[];
  /** Entries whose webhook ID changed: the old webhook is deleted, then the new one created. */
  replaces: string[];
  deletes: string[];
  /** The unmanaged webhooks that state recorded and the `delete` policy removes. */
  unmanagedDeletes: UnmanagedWebhook[];
  /** The path each entry's changes appear under, as the webhook's diff names them. */
  entryChanges: Record<string, Record<string, PropertyChange>>;
}

/** Set-level inputs that change state only: no request, except through the unmanaged policy. */
const STATE_ONLY = ["unmanaged", "ignoreUnmanaged", "concurrency", "eventValidation", "apiKey"] as const;
/** A new project or endpoint is another set of webhooks altogether. */
const SET_IDENTITY = ["projectId", "endpoint"] as const;

/** A replace of one entry is not a replace of the set: the kind without `-replace`. */
const withoutReplace = (change: PropertyChange): PropertyChange =>
  change.replace(/-replace$/, "") as PropertyChange;

export function planSet(olds: SetState, news: SetInputs): SetPlan {
  const plan: SetPlan = {
    creates: [],
    updates: [],
    replaces: [],
    deletes: [],
    unmanagedDeletes: [],
    entryChanges: {},
  };
  const level = setLevel(news);
  for (const key of sortedKeys(news.webhooks)) {
    if (!(key in olds.webhooks) || !(key in olds.webhookIds)) {
      plan.creates.push(key);
      continue;
    }
    // The old entry under the new set-level inputs: those are diffed once, for the set.
    const old = entryState({ ...olds, ...level }, key);
    const result = diffWebhook(old.webhookId, old, entryInputs(news, key));
    if (!result.changes) continue;
    (result.replaces.length > 0 ? plan.replaces : plan.updates).push(key);
    plan.entryChanges[key] = result.detailedDiff;
  }
  for (const key of sortedKeys(olds.webhookIds)) if (!(key in news.webhooks)) plan.deletes.push(key);
  if (news.unmanaged === "delete") {
    const declared = new Set(Object.values(news.webhooks).map((entry) => entry.webhookId));
    plan.unmanagedDeletes = olds.unmanagedWebhooks.filter(
      (webhook) => !declared.has(webhook.id) && !isIgnored(webhook.id, news.ignoreUnmanaged),
    );
  }
  return plan;
}

export const planIsEmpty = (plan: SetPlan): boolean =>
  plan.creates.length + plan.updates.length + plan.replaces.length + plan.deletes.length === 0 &&
  plan.unmanagedDeletes.length === 0;

export function diffSet(_id: string, olds: SetState, news: SetInputs): DiffResult {
  const replaces = SET_IDENTITY.filter((field) => differs(olds[field], news[field]));
  const stateOnly = STATE_ONLY.filter((field) => differs(olds[field], news[field]));
  const detailedDiff: Record<string, PropertyChange> = {};
  for (const field of replaces) detailedDiff[field] = "update-replace";
  for (const field of stateOnly) detailedDiff[field] = olds[field] === undefined ? "add" : "update";
  // A replaced set creates every entry anew: listing them would say nothing more.
  if (replaces.length === 0 && !isUnknown(news.webhooks)) {
    const plan = planSet(olds, news);
    for (const key of plan.creates) detailedDiff[entryPath(key)] = "add";
    for (const key of plan.deletes) detailedDiff[entryPath(key)] = "delete";
    for (const [key, changes] of Object.entries(plan.entryChanges)) {
      for (const [path, change] of Object.entries(changes)) {
        detailedDiff[`${entryPath(key)}.${path}`] = withoutReplace(change);
      }
    }
    if (plan.unmanagedDeletes.length > 0) {
      console.error(unmanagedDeletionNotice(news.projectId, plan.unmanagedDeletes));
    }
    for (const webhook of plan.unmanagedDeletes) {
      detailedDiff[`unmanagedWebhooks[${olds.unmanagedWebhooks.indexOf(webhook)}]`] = "delete";
    }
  }
  const paths = Object.keys(detailedDiff);
  return {
    changes: paths.length > 0 || isUnknown(news.webhooks),
    replaces: [...replaces],
    // Webhook IDs are unique per server: a declared ID can only be created in the new project
    // once the old webhook is gone.
    deleteBeforeReplace: replaces.length > 0,
    diffs: [...new Set(paths.map((path) => path.replace(/[.[].*$/, "")))],
    detailedDiff,
  };
}
