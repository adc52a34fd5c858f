/**
 * The code the stored provider text (./stored-provider-text) loads at run time, by package name, from the
 * program's directory. Keeping the logic here rather than in `__provider` means an upgrade of
 * this package reaches existing resources on the next refresh, update or delete, without a
 * replace.
 *
 * `provider` is what the current text's `handler()` returns. The named exports are what the
 * text of earlier versions calls (`r().check(o, n)` and so on, `remove` for delete): state
 * written by them must keep working, so they stay, each returning a promise.
 */
import { DYNAMIC_CONFIG_NAMESPACE, settingsFrom } from "../appwrite/config";
import type { CheckResult } from "../lifecycle/check";
import * as lifecycle from "../lifecycle/steps";
import * as stored from "../lifecycle/stored-outputs";
import * as storedSet from "../lifecycle/webhook-set/stored";

type Raw = Record<string, unknown>;

/** The dynamic door reads the stack's `appwrite:*` config. */
export interface ConfigReader {
  get(key: string): string | undefined;
}

export async function configure(config: ConfigReader): Promise<void> {
  lifecycle.configure(
    settingsFrom(DYNAMIC_CONFIG_NAMESPACE, (key) => config.get(key)),
    DYNAMIC_CONFIG_NAMESPACE,
  );
}

/**
 * The dynamic door's `check(olds, news)` carries no URN, so the `Webhook` class sends it as the
 * input `resourceKey` (see webhook.ts). It is taken out here: the lifecycle gets it as the
 * resource's identity, and the checked inputs (stored in state) never hold it.
 */
export async function check(olds: Raw, news: Raw): Promise<CheckResult> {
  const { resourceKey, ...inputs } = news;
  return stored.check(olds, inputs, typeof resourceKey === "string" ? { resourceKey } : undefined);
}

/** Diff, create, read, update and delete, with outputs as the engine stores them (shared with the plugin). */
export const { diff, create, read, update, remove } = stored;

/**
 * The dynamic-provider interface, as the engine's Node host calls it. Diff's `diffs` and
 * `detailedDiff` go with it, but the host of @pulumi/pulumi 3.276 forwards only `changes`,
 * `replaces` and `deleteBeforeReplace` (its DiffResult has no detailed diff, and it drops
 * `stables`), so only the plugin door's preview names the properties that changed.
 */
export const provider = {
  configure: (request: { config: ConfigReader }) => configure(request.config),
  check,
  diff,
  create,
  read,
  update,
  delete: remove,
};

/** The same interface for a `WebhookSet` (see ./webhook-set), which sends its URN the same way. */
export const setProvider = {
  configure: (request: { config: ConfigReader }) => configure(request.config),
  check: async (olds: Raw, news: Raw): Promise<CheckResult> => {
    const { resourceKey, ...inputs } = news;
    return storedSet.check(olds, inputs, typeof resourceKey === "string" ? { resourceKey } : undefined);
  },
  diff: storedSet.diff,
  create: storedSet.create,
  read: storedSet.read,
  update: storedSet.update,
  delete: storedSet.remove,
};

export { PACKAGE_VERSION } from "../appwrite/version";
