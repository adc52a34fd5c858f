/**
 * In-memory state: projects, their API keys and webhooks.
 *
 * Webhooks are indexed twice: by id across the whole instance (Appwrite keeps them in the
 * platform database, so an id is unique instance-wide and a second project reusing it gets
 * 409), and per project in insertion order (a Map keeps that order, which is also
 * `$sequence` order, the default list order). Both lookups are O(1).
 */
import { appwriteTimestamp } from "./ids";
import type { StoredWebhook, WebhookChanges } from "../types";

export interface StoredKey {
  readonly key: string;
  readonly scopes: readonly string[];
  /** ISO datetime or null for "never expires". */
  readonly expire: string | null;
}

export interface StoredProject {
  readonly id: string;
  readonly keys: Map<string, StoredKey>;
  readonly webhooks: Map<string, StoredWebhook>;
}

/** The writable fields of a webhook; the rest is bookkeeping the store owns. */
export type WebhookFields = Required<WebhookChanges>;

export class Store {
  private readonly projects = new Map<string, StoredProject>();
  private readonly webhooksById = new Map<string, StoredWebhook>();
  private sequence = 0;

  project(id: string): StoredProject | undefined {
    return this.projects.get(id);
  }

  /** Idempotent: creating an existing project keeps its keys and webhooks. */
  createProject(id: string): StoredProject {
    let project = this.projects.get(id);
    if (!project) {
      project = { id, keys: new Map(), webhooks: new Map() };
      this.projects.set(id, project);
    }
    return project;
  }

  addKey(projectId: string, key: StoredKey): void {
    const project = this.projects.get(projectId);
    if (!project) throw new Error(`Unknown project "${projectId}"; create it first`);
    project.keys.set(key.key, key);
  }

  /** Instance-wide lookup, used to enforce id uniqueness. */
  webhookById(id: string): StoredWebhook | undefined {
    return this.webhooksById.get(id);
  }

  /** The webhook if it exists in this project; another project's webhook is invisible. */
  webhookInProject(projectId: string, id: string): StoredWebhook | undefined {
    const webhook = this.webhooksById.get(id);
    return webhook && webhook.projectId === projectId ? webhook : undefined;
  }

  /** The project's webhooks in insertion order (a live view; do not mutate while iterating). */
  webhooksOf(projectId: string): Iterable<StoredWebhook> {
    return this.projects.get(projectId)?.webhooks.values() ?? [];
  }

  countWebhooks(projectId: string): number {
    return this.projects.get(projectId)?.webhooks.size ?? 0;
  }

  /** Returns undefined when the id is taken anywhere in the instance. */
  insertWebhook(projectId: string, id: string, fields: WebhookFields): StoredWebhook | undefined {
    const project = this.projects.get(projectId);
    if (!project) throw new Error(`Unknown project "${projectId}"`);
    if (this.webhooksById.has(id)) return undefined;
    const now = appwriteTimestamp();
    const webhook: StoredWebhook = {
      $id: id,
      $createdAt: now,
      $updatedAt: now,
      projectId,
      sequence: ++this.sequence,
      ...fields,
      events: [...fields.events],
    };
    this.webhooksById.set(id, webhook);
    project.webhooks.set(id, webhook);
    return webhook;
  }

  /**
   * Applies changes in place. Like utopia-php/database, `$updatedAt` moves only when a value
   * actually changed, so a no-op PUT leaves the timestamp alone.
   */
  updateWebhook(webhook: StoredWebhook, changes: Partial<WebhookFields>): StoredWebhook {
    let changed = false;
    for (const [key, value] of Object.entries(changes) as Array<[keyof WebhookFields, unknown]>) {
      if (value === undefined) continue;
      const current: unknown = webhook[key];
      const same =
        Array.isArray(current) && Array.isArray(value)
          ? current.length === value.length && current.every((item, i) => item === value[i])
          : current === value;
      if (!same) {
        changed = true;
        Object.assign(webhook, { [key]: Array.isArray(value) ? [...(value as unknown[])] : value });
      }
    }
    if (changed) webhook.$updatedAt = appwriteTimestamp();
    return webhook;
  }

  deleteWebhook(webhook: StoredWebhook): boolean {
    const project = this.projects.get(webhook.projectId);
    project?.webhooks.delete(webhook.$id);
    return this.webhooksById.delete(webhook.$id);
  }

  /** Forget everything: projects, keys and webhooks. */
  clear(): void {
    this.projects.clear();
    this.webhooksById.clear();
    this.sequence = 0;
  }
}
