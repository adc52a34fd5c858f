/**
 * `check`: every input validated before any API call, and the two things later steps must not
 * guess fixed here (the webhook ID and the target). Apart from the steps because it alone needs
 * the argument schema, and zod takes 80 ms to load: the doors load this module on their first
 * check, so a destroy or a refresh, which never check, starts without it.
 */
import { missingSettingMessage, normalizeEndpoint, resolveSetting } from "../appwrite/config";
import { isUnknown, PROVIDER_KEY, UNKNOWN } from "./engine-values";
import { ARG_DEFAULTS } from "./arg-defaults";
import { validateArgs, type CheckFailure } from "./schema";
import { compact, newWebhookId } from "./state";

type Raw = Record<string, unknown>;

export interface CheckResult {
  inputs: Raw;
  failures: CheckFailure[];
}

/** What a door knows of the resource beyond its inputs. */
export interface ResourceIdentity {
  /** The resource's URN as the door knows it; opaque here, only hashed. */
  resourceKey: string;
}

/**
 * Validates everything before any API call. Also fixes the two things a later step must not
 * guess: the webhook ID and the target endpoint and project (resolved from input, stack config
 * or env), so that moving a webhook to another project shows as a replace. An undeclared ID is
 * derived from the resource and its target, so preview shows the ID that up creates, and a run that never
 * recorded its creates (killed, or without checkpoints) finds them again under the same IDs.
 */
export function check(olds: Raw, news: Raw, resource?: ResourceIdentity): CheckResult {
  const { [PROVIDER_KEY]: provider, ...raw } = news;
  const { args, failures } = validateArgs(raw, isUnknown);
  if (failures.length > 0) return { inputs: news, failures };
  // With unknown values, zod may have dropped issues; pass the values on and check at `up`.
  const declared: Raw = args ?? { ...ARG_DEFAULTS, ...raw };

  const { target, failures: connectionFailures } = resolveTarget(declared);
  if (connectionFailures.length > 0) return { inputs: news, failures: connectionFailures };

  // An ID in state is kept (stacks from before derived IDs keep theirs); a new project gets a new
  // one. A new endpoint keeps it: the endpoint may be another address of the same server, where
  // the webhook is this very one, and on another server the ID is free anyway (IDs are unique
  // per server), so update can move the webhook without a replace.
  // Inputs stored by `pulumi import` name no project (the code it prints follows the provider):
  // the import read the provider's project, and a later change of project still replaces the
  // webhook, since diff compares the project in state.
  const sameProject = (olds.projectId ?? target.projectId) === target.projectId;
  const kept = sameProject && typeof olds.webhookId === "string" ? olds.webhookId : undefined;
  // Resolved by now: each target setting is a string, or UNKNOWN while preview waits for it.
  const resolved = target as { endpoint: string; projectId: string };
  const fresh =
    declared.webhookId === undefined && kept === undefined
      ? newWebhookId(resolved, resource?.resourceKey, UNKNOWN)
      : {};
  const webhookId = declared.webhookId ?? kept ?? fresh.webhookId;
  // A kept derived ID keeps the hash it was derived from, so that when nothing changed the checked
  // inputs equal the stored ones: the engine rewrites the whole checkpoint for every unchanged
  // resource whose checked inputs differ from state (at 500 webhooks, most of a no-change preview).
  // Every replace is checked without olds, so this never reaches a replacement's create.
  const keptHash =
    declared.webhookId === undefined && kept !== undefined && typeof olds.resourceHash === "string"
      ? olds.resourceHash
      : undefined;

  return {
    inputs: compact({
      ...declared,
      ...target,
      webhookId,
      resourceHash: fresh.hash ?? keptHash,
      [PROVIDER_KEY]: provider,
    }),
    failures: [],
  };
}

/**
 * The endpoint and project a declaration targets, from its inputs, stack config or env, and a
 * failure for each setting found nowhere (the API key included). A value not known yet (preview)
 * stays unknown. A `WebhookSet` resolves its one target here for all of its entries.
 */
export function resolveTarget(declared: Raw): { target: Raw; failures: CheckFailure[] } {
  // A value that holds an unknown (a list with a computed element) reaches this point unchecked,
  // since zod's issues on it were dropped: it is not known to be a string yet.
  const notYetKnown = (value: unknown) =>
    isUnknown(value) || (value !== undefined && typeof value !== "string");
  const failures: CheckFailure[] = [];
  const target: Raw = {};
  for (const setting of ["endpoint", "projectId"] as const) {
    if (notYetKnown(declared[setting])) {
      target[setting] = UNKNOWN;
      continue;
    }
    const value = resolveSetting(setting, { [setting]: declared[setting] as string | undefined });
    if (value === undefined) failures.push({ property: setting, reason: missingSettingMessage(setting) });
    else target[setting] = setting === "endpoint" ? normalizeEndpoint(value) : value;
  }
  if (
    !notYetKnown(declared.apiKey) &&
    resolveSetting("apiKey", { apiKey: declared.apiKey as string | undefined }) === undefined
  ) {
    failures.push({ property: "apiKey", reason: missingSettingMessage("apiKey") });
  }
  return { target, failures };
}
