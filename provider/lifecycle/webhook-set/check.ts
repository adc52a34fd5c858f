/**
 * A set's `check`: its own inputs by its schema (./schema), its one target resolved once, then
 * every entry through the webhook's own check (../check), which validates it and fixes its ID,
 * derived from the set's URN and the entry's key. Failures name the entry and the field.
 */
import { check as checkWebhook, resolveTarget, type CheckResult, type ResourceIdentity } from "../check";
import { isUnknown, PROVIDER_KEY, UNKNOWN } from "../engine-values";
import { validateWith, type CheckFailure } from "../schema";
import { compact } from "../state";
import { entryOwnInputs, entryPath, sortedKeys } from "./entries";
import { setArgsSchema } from "./schema";
import { ENTRY_KEYS, SET_DEFAULTS, type EntryInputs } from "./types";

type Raw = Record<string, unknown>;

/** The resource key of one entry: its set's and its own key, unambiguously (a JSON list). */
export const entryResourceKey = (setKey: string, key: string): string => JSON.stringify([setKey, key]);

export function checkSet(olds: Raw, news: Raw, resource?: ResourceIdentity): CheckResult {
  const { [PROVIDER_KEY]: provider, ...raw } = news;
  const { args, failures } = validateWith(setArgsSchema, raw, isUnknown);
  if (failures.length > 0) return { inputs: news, failures };
  const declared: Raw = args ?? { ...SET_DEFAULTS, ...raw };
  const { target, failures: connectionFailures } = resolveTarget(declared);
  if (connectionFailures.length > 0) return { inputs: news, failures: connectionFailures };
  // A map or an entry not known yet (preview of another resource's output) is checked at `up`.
  const entryUnknown =
    typeof declared.webhooks === "object" &&
    declared.webhooks !== null &&
    Object.values(declared.webhooks).some(isUnknown);
  if (isUnknown(declared.webhooks) || entryUnknown) {
    return {
      inputs: compact({ ...declared, ...target, webhooks: UNKNOWN, [PROVIDER_KEY]: provider }),
      failures: [],
    };
  }

  const entries = declared.webhooks as Record<string, Raw>;
  const oldEntries = (
    typeof olds.webhooks === "object" && olds.webhooks !== null ? olds.webhooks : {}
  ) as Record<string, Raw>;
  const checked: Record<string, EntryInputs> = {};
  const entryFailures: CheckFailure[] = [];
  for (const key of sortedKeys(entries)) {
    const entry = entries[key] ?? {};
    const path = entryPath(key);
    const foreign = Object.keys(entry).filter((field) => !(ENTRY_KEYS as readonly string[]).includes(field));
    if (foreign.length > 0) {
      entryFailures.push({
        property: `${path}.${foreign[0]}`,
        reason:
          `${path}: unknown input ${foreign.join(", ")}; an entry takes ${ENTRY_KEYS.join(", ")} ` +
          "(the connection and eventValidation are the set's own)",
      });
      continue;
    }
    const result = checkWebhook(
      { ...oldEntries[key], projectId: olds.projectId },
      { ...entry, ...target, apiKey: declared.apiKey, eventValidation: declared.eventValidation },
      resource ? { resourceKey: entryResourceKey(resource.resourceKey, key) } : undefined,
    );
    if (result.failures.length > 0) {
      for (const failure of result.failures) {
        entryFailures.push({
          property: failure.property ? `${path}.${failure.property}` : path,
          reason: `${path}: ${failure.reason}`,
        });
      }
      continue;
    }
    // The provider text rides on the set's inputs, not an entry's.
    const { [PROVIDER_KEY]: _entryProvider, ...own } = result.inputs;
    checked[key] = entryOwnInputs(own);
  }
  entryFailures.push(...duplicateIds(checked));
  if (entryFailures.length > 0) return { inputs: news, failures: entryFailures };
  return {
    inputs: compact({ ...declared, ...target, webhooks: checked, [PROVIDER_KEY]: provider }),
    failures: [],
  };
}

/** Two entries with one webhook ID would fight over one webhook: each would undo the other's update. */
function duplicateIds(entries: Record<string, EntryInputs>): CheckFailure[] {
  const owner = new Map<string, string>();
  const failures: CheckFailure[] = [];
  for (const key of sortedKeys(entries)) {
    const id = entries[key]?.webhookId;
    if (typeof id !== "string" || isUnknown(id)) continue;
    const first = owner.get(id);
    if (first === undefined) owner.set(id, key);
    else
      failures.push({
        property: `${entryPath(key)}.webhookId`,
        reason: `${entryPath(key)}: webhookId ${id} is also the ID of ${entryPath(first)}; each entry needs its own webhook`,
      });
  }
  return failures;
}
