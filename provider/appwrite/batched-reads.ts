/**
 * Batched refresh: reads that arrive together in one provider process share one paged `list`
 * of the project instead of one GET each, so a refresh of N webhooks costs about N/100 calls.
 *
 * Correctness rules:
 * - a webhook missing from the list is read with its own GET (it may have been created after
 *   the page was fetched); only that GET's 404 means "gone";
 * - a list is shared only by reads against the same endpoint, project and key;
 * - any write through this process drops the cached list of that project, so a read never
 *   sees a state older than our own write;
 * - a lone read (nothing else waiting) is a plain GET: listing a large project to refresh one
 *   webhook would cost more than it saves;
 * - a failed list fails each read that waited on it as that read, naming its webhook: which
 *   request ran depends on timing, so what the operator reads must not.
 */
import { readOperation, type AppwriteClient, type AppwriteWebhook } from "./client";
import type { Connection } from "./config";
import { asFailureOf } from "./errors";

/** How long reads wait for company before deciding between one GET and a shared list. */
const GATHER_MS = 15;
/**
 * How long a fetched list answers later reads. The engine issues a refresh's reads in waves
 * bounded by its parallelism, so a list must outlive one wave; it must also be short enough that
 * a second command in a long-lived process sees fresh data.
 */
const LIST_TTL_MS = 10_000;

interface Pending {
  id: string;
  resolve: (webhook: AppwriteWebhook | undefined) => void;
  reject: (error: unknown) => void;
}

interface ProjectReads {
  waiting: Pending[];
  timer?: NodeJS.Timeout;
  list?: { fetchedAt: number; byId: Map<string, AppwriteWebhook> };
  listing?: Promise<Map<string, AppwriteWebhook>>;
}

const projects = new Map<string, ProjectReads>();

function keyOf(connection: Connection): string {
  // The key is part of the identity (two keys may see different projects) but is not stored as is.
  let hash = 0;
  for (const char of connection.apiKey) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
  return `${connection.endpoint}\u0000${connection.projectId}\u0000${hash}`;
}

function reads(connection: Connection): ProjectReads {
  const key = keyOf(connection);
  let entry = projects.get(key);
  if (!entry) {
    entry = { waiting: [] };
    projects.set(key, entry);
  }
  return entry;
}

/** Called after every write, so later reads in this process see it. */
export function invalidateProject(connection: Connection): void {
  const entry = projects.get(keyOf(connection));
  if (entry) {
    entry.list = undefined;
    entry.listing = undefined;
  }
}

/** Reads one webhook, batched with the reads that arrive at the same time. Undefined when it is gone. */
export function readWebhook(
  client: AppwriteClient,
  connection: Connection,
  id: string,
): Promise<AppwriteWebhook | undefined> {
  const entry = reads(connection);
  const cached =
    entry.list && Date.now() - entry.list.fetchedAt < LIST_TTL_MS ? entry.list.byId.get(id) : undefined;
  if (cached) return Promise.resolve(cached);
  return new Promise((resolve, reject) => {
    entry.waiting.push({ id, resolve, reject });
    entry.timer ??= setTimeout(() => void flush(client, entry), GATHER_MS);
  });
}

async function flush(client: AppwriteClient, entry: ProjectReads): Promise<void> {
  const batch = entry.waiting.splice(0);
  entry.timer = undefined;
  if (batch.length === 1 && !entry.listing) {
    const [only] = batch as [Pending];
    client.find(only.id).then(only.resolve, only.reject);
    return;
  }
  try {
    const byId = await listOnce(client, entry);
    await Promise.all(
      batch.map(async (pending) => {
        try {
          // Not in the list: maybe created after the page was read. Its own GET decides.
          pending.resolve(byId.get(pending.id) ?? (await client.find(pending.id)));
        } catch (error) {
          pending.reject(error);
        }
      }),
    );
  } catch (error) {
    for (const pending of batch) pending.reject(asFailureOf(error, readOperation(pending.id)));
  }
}

/** One list per project at a time; concurrent batches share it. */
function listOnce(client: AppwriteClient, entry: ProjectReads): Promise<Map<string, AppwriteWebhook>> {
  entry.listing ??= client.listAll().then(
    (webhooks) => {
      const byId = new Map(webhooks.map((webhook) => [webhook.$id, webhook]));
      entry.list = { fetchedAt: Date.now(), byId };
      entry.listing = undefined;
      return byId;
    },
    (error: unknown) => {
      entry.listing = undefined;
      throw error;
    },
  );
  return entry.listing;
}
