/**
 * Drives an emulator over its HTTP control API, for a process that did not start it (for
 * example one started with `npm run emulator`). Same method names as the in-process
 * Emulator, all async.
 *
 *   const control = new EmulatorControlClient("http://127.0.0.1:4000/v1");
 *   await control.setHostRoutes({ "hooks.example.com": receiver.origin });
 */
import { request } from "undici";
import { faultToWire } from "./faults";
import type {
  CounterSnapshot,
  DeliveryRecord,
  EmitInput,
  EmulatorKeyOptions,
  FaultSpec,
  HostRoutes,
  RequestRecord,
  StoredWebhook,
  WebhookChanges,
} from "../types";

export class EmulatorControlError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "EmulatorControlError";
  }
}

export class EmulatorControlClient {
  /** Scheme, host and port of the emulator. */
  readonly origin: string;
  /** The API endpoint for SDKs. */
  readonly endpoint: string;

  /** Accepts the origin (`http://127.0.0.1:4000`) or the endpoint (`…/v1`). */
  constructor(originOrEndpoint: string) {
    this.origin = new URL(originOrEndpoint).origin;
    this.endpoint = `${this.origin}/v1`;
  }

  private async call<T>(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await request(`${this.origin}/_emulator/${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    const parsed: unknown = text === "" ? undefined : JSON.parse(text);
    if (response.statusCode >= 400) {
      const message = (parsed as { error?: string } | undefined)?.error ?? `HTTP ${response.statusCode}`;
      throw new EmulatorControlError(message, response.statusCode);
    }
    return parsed as T;
  }

  async createProject(id: string): Promise<void> {
    await this.call("POST", "projects", { id });
  }

  async createKey(projectId: string, options: EmulatorKeyOptions = {}): Promise<string> {
    return (await this.call<{ key: string }>("POST", "keys", { projectId, ...options })).key;
  }

  async emit(input: EmitInput): Promise<DeliveryRecord[]> {
    return (await this.call<{ deliveries: DeliveryRecord[] }>("POST", "events", input)).deliveries;
  }

  async deliveries(): Promise<DeliveryRecord[]> {
    return (await this.call<{ deliveries: DeliveryRecord[] }>("GET", "deliveries")).deliveries;
  }

  async setHostRoutes(routes: HostRoutes): Promise<void> {
    await this.call("PUT", "routes", { routes });
  }

  /** RegExp paths travel as `pathRegex`; returns the fault's id. */
  async injectFault(spec: FaultSpec): Promise<number> {
    return (await this.call<{ id: number }>("POST", "faults", faultToWire(spec))).id;
  }

  async clearFaults(): Promise<void> {
    await this.call("DELETE", "faults");
  }

  async counters(): Promise<CounterSnapshot> {
    return (await this.call<{ counters: CounterSnapshot }>("GET", "counters")).counters;
  }

  async resetCounters(): Promise<void> {
    await this.call("POST", "counters/reset");
  }

  async requests(): Promise<RequestRecord[]> {
    return (await this.call<{ requests: RequestRecord[] }>("GET", "requests")).requests;
  }

  async reset(): Promise<void> {
    await this.call("POST", "reset");
  }

  async webhooks(projectId: string): Promise<StoredWebhook[]> {
    const path = `webhooks?projectId=${encodeURIComponent(projectId)}`;
    return (await this.call<{ webhooks: StoredWebhook[] }>("GET", path)).webhooks;
  }

  async updateWebhook(id: string, changes: WebhookChanges): Promise<StoredWebhook> {
    return (
      await this.call<{ webhook: StoredWebhook }>("PATCH", `webhooks/${encodeURIComponent(id)}`, changes)
    ).webhook;
  }

  async deleteWebhook(id: string): Promise<boolean> {
    return (await this.call<{ deleted: boolean }>("DELETE", `webhooks/${encodeURIComponent(id)}`)).deleted;
  }
}
