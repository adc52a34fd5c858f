/**
 * The code the stored provider text (./shim) loads at run time, by package name, from the
 * program's directory. Keeping the logic here rather than in `__provider` means an upgrade of
 * this package reaches existing resources on the next refresh, update or delete, without a
 * replace.
 *
 * `provider` is what the current text's `handler()` returns. The named exports are what the
 * text of earlier versions calls (`r().check(o, n)` and so on, `remove` for delete): state
 * written by them must keep working, so they stay, each returning a promise.
 */
import * as lifecycle from "./lifecycle";
import type { WebhookInputs, WebhookState } from "./schema";

type Raw = Record<string, unknown>;

export async function configure(config: lifecycle.ConfigReader): Promise<void> {
  lifecycle.configure(config);
}

export async function check(olds: Raw, news: Raw): Promise<lifecycle.CheckResult> {
  return lifecycle.check(olds, news);
}

export async function diff(
  id: string,
  olds: WebhookState,
  news: WebhookInputs,
): Promise<lifecycle.DiffResult> {
  return lifecycle.diff(id, olds, news);
}

export const { create, read, update, remove } = lifecycle;

/** The dynamic-provider interface, as the engine's Node host calls it. */
export const provider = {
  configure: (request: { config: lifecycle.ConfigReader }) => configure(request.config),
  check,
  diff,
  create,
  read,
  update,
  delete: remove,
};

export { PACKAGE_VERSION } from "./version";
