/**
 * A set's create, update and delete: the plan of ./diff carried out entry by entry with the
 * webhook's own steps (create, update, remove), `concurrency` requests at a time. Every entry
 * that succeeds is recorded even when others fail: the step then fails with Pulumi's
 * partial-failure shape, naming each failed entry and why, so state keeps the successes with
 * their keys and the next `up` retries only what failed.
 */
import type { AppwriteClient } from "../../appwrite/client";
import { ResourceInitError } from "../../appwrite/errors";
import { connect } from "../connect";
import { create as createWebhook } from "../create";
import { remove as removeWebhook } from "../delete";
import type { WebhookState } from "../schema";
import { update as updateWebhook } from "../update";
import { planSet, type SetPlan } from "./diff";
import {
  copyState,
  dropEntry,
  emptyState,
  entryInputs,
  entryPath,
  entryState,
  putEntry,
  setLevel,
  sortedKeys,
} from "./entries";
import { findUnmanaged, unmanagedWarning } from "./unmanaged";
import type { SetInputs, SetState } from "./types";

type Raw = Record<string, unknown>;

interface Failure {
  what: string;
  reason: string;
}

/** How many failed entries a message lists by name; the rest are counted. */
const NAMED_FAILURES = 50;

/** Runs `work` on every item, at most `limit` at a time, and waits for all of them. */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The ID of a set: its project, since a set holds all of a project's webhooks. */
export const setId = (inputs: Pick<SetInputs, "projectId">): string => inputs.projectId;

export async function createSet(inputs: SetInputs & Raw): Promise<{ id: string; outs: SetState }> {
  // Planned against an empty set, every entry is a create.
  const empty = emptyState(inputs);
  const id = setId(inputs);
  return { id, outs: await apply(id, empty, inputs, planSet(empty, inputs)) };
}

export async function updateSet(
  id: string,
  olds: SetState,
  news: SetInputs & Raw,
): Promise<{ outs: SetState }> {
  return { outs: await apply(id, olds, news, planSet(olds, news)) };
}

async function apply(id: string, olds: SetState, news: SetInputs, plan: SetPlan): Promise<SetState> {
  const state = copyState(olds, setLevel(news));
  const failures: Failure[] = [];
  const failed = (what: string, error: unknown, key?: string) => {
    failures.push({ what, reason: reasonOf(error) });
    // Pulumi's partial-failure shape from a webhook step: the webhook exists, and state must say so.
    if (error instanceof ResourceInitError && key !== undefined) {
      putEntry(state, key, error.properties as unknown as WebhookState);
    }
  };
  const limit = news.concurrency;
  const level = setLevel(news);
  const oldWebhook = (key: string) => entryState({ ...olds, ...level }, key);

  // Removed entries and the old webhooks of re-IDed ones first: IDs are unique per server, and a
  // new entry may declare the ID an old one frees.
  const replaced = new Set<string>();
  await inParallel([...plan.deletes, ...plan.replaces], limit, async (key) => {
    const old = oldWebhook(key);
    try {
      await removeWebhook(old.webhookId, old);
      dropEntry(state, key);
      if (plan.replaces.includes(key)) replaced.add(key);
    } catch (error) {
      failed(`${entryPath(key)} (delete webhook ${old.webhookId})`, error);
    }
  });
  const writes = [
    ...plan.creates.map((key) => ({ key, create: true })),
    ...plan.replaces.filter((key) => replaced.has(key)).map((key) => ({ key, create: true })),
    ...plan.updates.map((key) => ({ key, create: false })),
  ];
  await inParallel(writes, limit, async ({ key, create }) => {
    const inputs = entryInputs(news, key);
    try {
      const old = create ? undefined : oldWebhook(key);
      const { outs } = old ? await updateWebhook(old.webhookId, old, inputs) : await createWebhook(inputs);
      putEntry(state, key, outs);
    } catch (error) {
      const what = `${entryPath(key)} (${create ? "create" : "update"} webhook ${String(inputs.webhookId)})`;
      failed(what, error, key);
    }
  });

  const { client } = connect(level);
  const deleted = new Set<string>();
  await inParallel(plan.unmanagedDeletes, limit, async (webhook) => {
    try {
      await client.delete(webhook.id);
      deleted.add(webhook.id);
    } catch (error) {
      failed(`unmanaged webhook ${webhook.id} (delete)`, error);
    }
  });
  state.unmanagedWebhooks = olds.unmanagedWebhooks.filter((webhook) => !deleted.has(webhook.id));
  await recordUnmanaged(client, state, news);

  if (failures.length > 0)
    throw new ResourceInitError(failureMessage(failures, plan), id, state as unknown as Raw);
  return state;
}

/**
 * One paged list of the project after the writes, so `up` records (and reports) the webhooks no
 * entry declares, as a refresh does. A list that fails does not undo the writes: the step keeps
 * the last list it knew and says why.
 */
async function recordUnmanaged(client: AppwriteClient, state: SetState, inputs: SetInputs): Promise<void> {
  if (inputs.unmanaged === "ignore") {
    state.unmanagedWebhooks = [];
    return;
  }
  try {
    const live = await client.listAll();
    state.unmanagedWebhooks = findUnmanaged(
      live,
      new Set(Object.values(state.webhookIds)),
      inputs.unmanaged,
      inputs.ignoreUnmanaged,
    );
    if (inputs.unmanaged === "report" && state.unmanagedWebhooks.length > 0) {
      console.error(unmanagedWarning(inputs.projectId, state.unmanagedWebhooks));
    }
  } catch (error) {
    console.error(
      `pulumi-appwrite-webhooks: could not list project ${inputs.projectId} for unmanaged webhooks: ${reasonOf(error)}`,
    );
  }
}

/** One line per failed entry, up to `NAMED_FAILURES`, and a count of the rest. */
function failureLines(failures: readonly Failure[]): string[] {
  const named = failures.slice(0, NAMED_FAILURES).map((failure) => `  - ${failure.what}: ${failure.reason}`);
  return failures.length > named.length
    ? [...named, `  … and ${failures.length - named.length} more`]
    : named;
}

function failureMessage(failures: readonly Failure[], plan: SetPlan): string {
  const attempted =
    plan.creates.length +
    plan.updates.length +
    plan.replaces.length * 2 +
    plan.deletes.length +
    plan.unmanagedDeletes.length;
  return [
    `${failures.length} of ${attempted} webhook changes of this WebhookSet failed:`,
    ...failureLines(failures),
    "State keeps every change that succeeded, with its signing key; run `pulumi up` again to retry the failed ones.",
  ].join("\n");
}

/** Destroy: every entry's webhook leaves the server; the unmanaged ones are not the set's to delete. */
export async function removeSet(_id: string, props: SetState): Promise<void> {
  const failures: Failure[] = [];
  const keys = sortedKeys(props.webhookIds);
  await inParallel(keys, props.concurrency, async (key) => {
    const webhook = entryState(props, key);
    try {
      await removeWebhook(webhook.webhookId, webhook);
    } catch (error) {
      failures.push({
        what: `${entryPath(key)} (delete webhook ${webhook.webhookId})`,
        reason: reasonOf(error),
      });
    }
  });
  if (failures.length > 0) {
    throw new Error(
      [
        `${failures.length} of ${keys.length} webhooks of this WebhookSet could not be deleted:`,
        ...failureLines(failures),
        "The set stays in state; run the command again (webhooks already deleted count as deleted).",
      ].join("\n"),
    );
  }
}
