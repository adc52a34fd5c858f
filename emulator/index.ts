/**
 * An Appwrite 1.9.6-compatible server for the webhooks API, for tests and local development.
 *
 *   const emulator = await startEmulator({ projects: [{ id: "demo", keys: [{ key: "k1" }] }] });
 *   new Client().setEndpoint(emulator.endpoint).setProject("demo").setKey("k1");
 *
 * It listens on 127.0.0.1 by default, delivers events to webhooks through host routes
 * (never to the network unless allowExternalDelivery), and exposes the same controls over
 * HTTP under /_emulator/ (see control/control-client.ts).
 */
import type { AddressInfo } from "node:net";
import { EmulatorCore } from "./state/emulator-core";
import { createEmulatorServer } from "./http/server";
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
  WebhookChanges,
} from "./types";

export type {
  AppwriteRelease,
  CounterSnapshot,
  DeliveryRecord,
  EmitInput,
  EmulatorKeyOptions,
  EmulatorOptions,
  EmulatorProjectOptions,
  FaultKind,
  FaultMatch,
  FaultSpec,
  HostRoutes,
  RequestRecord,
  StoredWebhook,
  WebhookChanges,
} from "./types";
export { DEFAULT_KEY_SCOPES } from "./http/api-key-auth";
export { APPWRITE_RELEASES } from "./appwrite-config/releases";
export { APPWRITE_VERSION } from "./http/appwrite-errors";
export { generateEvents, eventsForTrigger } from "./delivery/generate-events";
export { phpJsonEncode } from "./php/php-builtins";

export interface Emulator {
  /** The API endpoint for SDKs, e.g. http://127.0.0.1:PORT/v1. */
  readonly endpoint: string;
  /** Scheme, host and port, e.g. http://127.0.0.1:PORT (the control API is under /_emulator/). */
  readonly origin: string;
  readonly port: number;
  /** Stops listening, drops open connections and releases delivery connections. */
  close(): Promise<void>;
  createProject(id: string): void;
  /** Returns the key (generated `standard_<256 hex>` unless given). */
  createKey(projectId: string, options?: EmulatorKeyOptions): string;
  /** Fires an event; resolves once every matching webhook has been tried. */
  emit(input: EmitInput): Promise<DeliveryRecord[]>;
  deliveries(): DeliveryRecord[];
  /** Replaces the host routes: deliveries to a routed host go to its origin, Host header kept. */
  setHostRoutes(routes: HostRoutes): void;
  /** Returns the fault's id. */
  injectFault(spec: FaultSpec): number;
  clearFaults(): void;
  counters(): CounterSnapshot;
  resetCounters(): void;
  /** Recent API requests (method, path, status, User-Agent), oldest first; cleared by reset(). */
  requests(): RequestRecord[];
  /** Back to the state right after start (seeded projects and keys, initial routes). */
  reset(): void;
  /** Stored webhooks of a project, secrets included. */
  webhooks(projectId: string): StoredWebhook[];
  /** Out-of-band change (console edit, worker bookkeeping); returns the stored webhook. */
  updateWebhook(id: string, changes: WebhookChanges): StoredWebhook;
  /** Out-of-band delete; false when the webhook did not exist. */
  deleteWebhook(id: string): boolean;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const core = new EmulatorCore(options);
  const server = createEmulatorServer(core);
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  let closed: Promise<void> | undefined;
  return {
    endpoint: `${origin}/v1`,
    origin,
    port,
    close() {
      closed ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await core.worker.close();
      })();
      return closed;
    },
    createProject: (id) => core.createProject(id),
    createKey: (projectId, keyOptions) => core.createKey(projectId, keyOptions),
    emit: (input) => core.emit(input),
    deliveries: () => core.deliveries(),
    setHostRoutes: (routes) => core.setHostRoutes(routes),
    injectFault: (spec) => core.injectFault(spec),
    clearFaults: () => core.clearFaults(),
    counters: () => core.counters(),
    resetCounters: () => core.resetCounters(),
    requests: () => core.requests(),
    reset: () => core.reset(),
    webhooks: (projectId) => core.webhooks(projectId),
    updateWebhook: (id, changes) => core.updateWebhook(id, changes),
    deleteWebhook: (id) => core.deleteWebhook(id),
  };
}
