/**
 * The code the serialized provider loads at run time, by package name, from the program's
 * directory. Keeping the logic here rather than in `__provider` means an upgrade of this
 * package reaches existing resources on the next refresh, update or delete, without a replace.
 *
 * Every entry returns a promise, so the shim can delegate with a bare `return` (the shim's
 * text is stored once per resource; each byte saved there is saved N times).
 */
import * as lifecycle from "./lifecycle";
import type { WebhookInputs, WebhookState } from "./schema";

type Raw = Record<string, unknown>;

export async function configure(config: lifecycle.ConfigReader): Promise<void> {
  lifecycle.configure(config);
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

export async function diff(
  id: string,
  olds: WebhookState,
  news: WebhookInputs,
): Promise<lifecycle.DiffResult> {
  return lifecycle.diff(id, olds, news);
}

export const { create, read, update, remove } = lifecycle;
export { PACKAGE_VERSION } from "./version";
