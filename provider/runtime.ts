/**
 * The code the serialized provider loads at run time, by package name, from the program's
 * directory. Keeping the logic here rather than in `__provider` means an upgrade of this
 * package reaches existing resources on the next refresh, update or delete, without a replace.
 *
 * Every entry returns a promise, so the shim can delegate with a bare `return` (the shim's
 * text is stored once per resource; each byte saved there is saved N times).
 */
import { DYNAMIC_CONFIG_NAMESPACE, settingsFrom } from "./config";
import * as lifecycle from "./lifecycle";

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
export async function check(olds: Raw, news: Raw): Promise<lifecycle.CheckResult> {
  const { resourceKey, ...inputs } = news;
  return lifecycle.check(olds, inputs, typeof resourceKey === "string" ? { resourceKey } : undefined);
}

/** Diff, create, read, update and delete, with outputs as the engine stores them (shared with the plugin). */
export { diff, create, read, update, remove } from "./stored-lifecycle";

export { PACKAGE_VERSION } from "./version";
