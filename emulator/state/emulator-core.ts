/**
 * The emulator's state and operations, independent of HTTP: the in-process API (index.ts)
 * and the control API (control/control-api.ts) are both thin layers over this class, so they cannot
 * drift apart.
 */
import { releaseRules, type ReleaseRules } from "../appwrite-config/releases";
import { DEFAULT_KEY_SCOPES } from "../http/api-key-auth";
import { Counters, RequestLog } from "../control/request-counters";
import { DeliveryWorker } from "../delivery/delivery-worker";
import { FaultRegistry } from "../control/faults";
import { generateApiKey } from "./ids";
import { Store, type WebhookFields } from "./store";
import type {
  CounterSnapshot,
  DeliveryRecord,
  EmitInput,
  EmulatorKeyOptions,
  EmulatorOptions,
  FaultSpec,
  HostRoutes,
  RequestRecord,
  StoredWebhook,
} from "../types";

export interface Settings {
  /** The rules of the Appwrite release the emulator speaks (`--appwrite`). */
  appwrite: ReleaseRules;
  appEnv: string;
  latencyMs: number;
  maxBodyBytes: number;
}

/** Appwrite's worker timeout (CURLOPT_TIMEOUT 15). */
const DEFAULT_DELIVERY_TIMEOUT_MS = 15_000;
/** Well below the total so an unreachable host fails fast instead of using all 15 s. */
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export class EmulatorCore {
  readonly store = new Store();
  readonly faults = new FaultRegistry();
  readonly requestCounters = new Counters();
  readonly requestLog = new RequestLog();
  readonly worker: DeliveryWorker;
  readonly settings: Settings;
  /** Projects and keys as they were at start, so reset() can restore them (same key strings). */
  private readonly seed: Array<{ id: string; keys: Array<EmulatorKeyOptions & { key: string }> }>;
  private readonly initialRoutes: HostRoutes;

  constructor(options: EmulatorOptions = {}) {
    const appwrite = releaseRules(options.appwrite);
    this.settings = {
      appwrite,
      appEnv: options.appEnv ?? "production",
      latencyMs: options.latencyMs ?? 0,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    };
    this.worker = new DeliveryWorker(this.store, {
      rules: appwrite,
      timeoutMs: options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS,
      connectTimeoutMs: Math.min(
        options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        options.deliveryTimeoutMs ?? Infinity,
      ),
      maxFailedAttempts: options.maxFailedAttempts ?? 10,
      allowExternalDelivery: options.allowExternalDelivery ?? false,
      concurrency: options.deliveryConcurrency ?? 1,
      maxRecords: options.maxDeliveryRecords ?? 10_000,
    });
    this.initialRoutes = { ...(options.hostRoutes ?? {}) };
    this.seed = (options.projects ?? []).map((project) => ({
      id: project.id,
      keys: (project.keys ?? []).map((key) => ({ ...key, key: key.key ?? generateApiKey() })),
    }));
    this.applySeed();
  }

  private applySeed(): void {
    for (const project of this.seed) {
      this.createProject(project.id);
      for (const key of project.keys) this.createKey(project.id, key);
    }
    this.worker.setHostRoutes(this.initialRoutes);
  }

  /** Idempotent. "console" is reserved, as in Appwrite. */
  createProject(id: string): void {
    if (typeof id !== "string" || id === "" || id === "console")
      throw new Error(`Invalid project id "${String(id)}"`);
    this.store.createProject(id);
  }

  /** Adds a key and returns it; default scopes are both webhook scopes. */
  createKey(projectId: string, options: EmulatorKeyOptions = {}): string {
    const key = options.key ?? generateApiKey();
    if (key === "" || (key.includes("_") && !key.startsWith("standard_"))) {
      // Appwrite reads the text before the first "_" as the key type; only standard keys are
      // project keys, so such a key could never authenticate.
      throw new Error(`Key "${key}" would not be a standard key; use "standard_…" or a key without "_"`);
    }
    if (options.expire != null && Number.isNaN(Date.parse(options.expire))) {
      throw new Error(`Invalid expire datetime "${options.expire}"`);
    }
    this.store.addKey(projectId, {
      key,
      scopes: [...(options.scopes ?? DEFAULT_KEY_SCOPES)],
      expire: options.expire ?? null,
    });
    return key;
  }

  emit(input: EmitInput): Promise<DeliveryRecord[]> {
    return this.worker.emit(input);
  }

  deliveries(): DeliveryRecord[] {
    return this.worker.deliveries();
  }

  setHostRoutes(routes: HostRoutes): void {
    this.worker.setHostRoutes(routes);
  }

  injectFault(spec: FaultSpec): number {
    return this.faults.add(spec);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  counters(): CounterSnapshot {
    return this.requestCounters.snapshot();
  }

  resetCounters(): void {
    this.requestCounters.reset();
  }

  /** Recent API requests, oldest first. */
  requests(): RequestRecord[] {
    return this.requestLog.list();
  }

  /** Back to the state right after start: seeded projects and keys, initial routes, nothing else. */
  reset(): void {
    this.store.clear();
    this.faults.clear();
    this.requestCounters.reset();
    this.requestLog.clear();
    this.worker.clearDeliveries();
    this.applySeed();
  }

  /**
   * Out-of-band change, as if made in the Appwrite console or by the worker (e.g.
   * `{ enabled: false, attempts: 10 }`). Throws when the webhook does not exist.
   */
  updateWebhook(id: string, changes: Partial<WebhookFields>): StoredWebhook {
    const webhook = this.store.webhookById(id);
    if (!webhook) throw new Error(`Unknown webhook "${id}"`);
    return { ...this.store.updateWebhook(webhook, changes), events: [...webhook.events] };
  }

  /** Out-of-band delete; false when there was nothing to delete. */
  deleteWebhook(id: string): boolean {
    const webhook = this.store.webhookById(id);
    return webhook ? this.store.deleteWebhook(webhook) : false;
  }

  /** Full stored documents, secrets included (emulator-only inspection). */
  webhooks(projectId: string): StoredWebhook[] {
    return [...this.store.webhooksOf(projectId)].map((webhook) => ({
      ...webhook,
      events: [...webhook.events],
    }));
  }
}
