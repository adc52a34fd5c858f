/**
 * The webhook delivery worker (src/Appwrite/Platform/Workers/Webhooks.php at 1.9.6): for an
 * event, POST the PHP-json_encoded payload to every enabled webhook of the project whose
 * events intersect the generated event list, signed over rawurldecode(url) + body, and keep
 * Appwrite's bookkeeping: attempts, the overwritten failure log, auto-disable.
 *
 * Requests go through host routes (a public webhook host mapped to a local origin) so tests
 * use valid public URLs while a loopback receiver gets the traffic. With external delivery
 * off, an unrouted host fails the way an unresolvable one does, without touching the network.
 */
import { Agent, request, type Dispatcher } from "undici";
import { rawUrlDecode, signWebhookPayload } from "../provider/signature";
import { eventsForTrigger } from "./generate-events";
import { appwriteTimestamp } from "./ids";
import { byteLength, mbStrcut, phpEmpty, phpJsonEncode } from "./php";
import type { Store } from "./store";
import type { DeliveryRecord, EmitInput, HostRoutes, StoredWebhook } from "./types";
import { parsePhpUrl } from "./url-validator";

/** Sent by the worker; the tests of Appwrite see `vdev` and the default security address. */
export const DELIVERY_USER_AGENT = "Appwrite-Server vdev. Please report abuse at security@appwrite.io";
/** CURLOPT_MAXFILESIZE: the worker reads at most 5 MB of a response. */
const MAX_RESPONSE_BYTES = 5_242_880;
/** mb_strcut(responseBody, 0, 10000): how much of a failing response lands in `logs`. */
const LOG_BODY_BYTES = 10_000;
/** APP_LIMIT_SUBQUERY: the project document carries at most this many webhooks. */
const MAX_WEBHOOKS_PER_PROJECT = 1000;

export interface DeliveryOptions {
  timeoutMs: number;
  connectTimeoutMs: number;
  maxFailedAttempts: number;
  allowExternalDelivery: boolean;
  concurrency: number;
  maxRecords: number;
}

interface Outcome {
  status: number | null;
  error: string | null;
  responseBody: Buffer;
  target: string | null;
}

function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  return bare === "localhost" || bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare);
}

/** curl's wording for the transport failures a test can provoke. */
function curlError(error: unknown, host: string, port: number, elapsedMs: number, timedOut: boolean): string {
  if (timedOut) return `Operation timed out after ${elapsedMs} milliseconds with 0 bytes received`;
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.code ?? err.cause?.code ?? "";
  switch (code) {
    case "ECONNREFUSED":
      return `Failed to connect to ${host} port ${port} after ${elapsedMs} ms: Couldn't connect to server`;
    case "UND_ERR_CONNECT_TIMEOUT":
      return `Connection timed out after ${elapsedMs} milliseconds`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `Could not resolve host: ${host}`;
    case "ECONNRESET":
      return "Recv failure: Connection reset by peer";
    case "UND_ERR_SOCKET":
      return "Empty reply from server";
    case "CURLE_FILESIZE_EXCEEDED":
      return "Maximum file size exceeded";
  }
  if (/certificate|self.signed|SSL|TLS/i.test(err.message ?? ""))
    return `SSL certificate problem: ${err.message ?? ""}`;
  return err.message ?? String(error);
}

export class DeliveryWorker {
  private routes = new Map<string, string>();
  private readonly records: DeliveryRecord[] = [];
  private seq = 0;
  private readonly verifyingAgent: Agent;
  private readonly trustingAgent: Agent;

  constructor(
    private readonly store: Store,
    private readonly options: DeliveryOptions,
  ) {
    const connect = { timeout: options.connectTimeoutMs };
    this.verifyingAgent = new Agent({ connect });
    // tls=false means CURLOPT_SSL_VERIFYPEER/VERIFYHOST off.
    this.trustingAgent = new Agent({ connect: { ...connect, rejectUnauthorized: false } });
  }

  /** Replaces all host routes. Without external delivery, only loopback origins are allowed. */
  setHostRoutes(routes: HostRoutes): void {
    const next = new Map<string, string>();
    for (const [host, origin] of Object.entries(routes)) {
      const url = new URL(origin);
      if (url.protocol !== "http:" && url.protocol !== "https:")
        throw new Error(`Route origin must be http(s): ${origin}`);
      if (!this.options.allowExternalDelivery && !isLoopbackHost(url.hostname)) {
        throw new Error(
          `Route origin ${origin} is not a loopback address; set allowExternalDelivery to allow it`,
        );
      }
      next.set(host.toLowerCase().replace(/\.$/, ""), url.origin);
    }
    this.routes = next;
  }

  hostRoutes(): HostRoutes {
    return Object.fromEntries(this.routes);
  }

  deliveries(): DeliveryRecord[] {
    return [...this.records];
  }

  clearDeliveries(): void {
    this.records.length = 0;
  }

  async close(): Promise<void> {
    await Promise.all([this.verifyingAgent.close(), this.trustingAgent.close()]);
  }

  /** Delivers one event; resolves when every delivery has finished, with their records. */
  async emit(input: EmitInput): Promise<DeliveryRecord[]> {
    if (!this.store.project(input.projectId)) throw new Error(`Unknown project "${input.projectId}"`);
    const events = eventsForTrigger(input.event, input.params);
    const wanted = new Set(events);
    const body = phpJsonEncode(input.payload);
    const targets: StoredWebhook[] = [];
    let seen = 0;
    for (const webhook of this.store.webhooksOf(input.projectId)) {
      if (seen++ >= MAX_WEBHOOKS_PER_PROJECT) break;
      if (webhook.events.some((event) => wanted.has(event))) targets.push(webhook);
    }
    const results: DeliveryRecord[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < targets.length) {
        const webhook = targets[next++] as StoredWebhook;
        const record = await this.deliver(webhook, events, body, input);
        if (record) results.push(record);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency) }, lane));
    return results.sort((a, b) => a.seq - b.seq);
  }

  private async deliver(
    webhook: StoredWebhook,
    events: string[],
    body: string,
    input: EmitInput,
  ): Promise<DeliveryRecord | undefined> {
    // The worker re-reads `enabled` per webhook, so one disabled earlier in this job is skipped.
    if (webhook.enabled !== true) return undefined;
    const seq = ++this.seq;
    const startedAt = appwriteTimestamp();
    const started = performance.now();
    const headers = this.requestHeaders(webhook, events, body, input);
    const outcome = await this.send(webhook, headers, body, started);
    const success = outcome.error === null && outcome.status !== null && outcome.status < 400;
    this.record(webhook, success, outcome, events);
    const record: DeliveryRecord = {
      seq,
      webhookId: webhook.$id,
      projectId: webhook.projectId,
      url: webhook.url,
      target: outcome.target,
      events,
      status: outcome.status,
      success,
      error: outcome.error,
      requestHeaders: Object.fromEntries(
        // Back from the wire's binary strings to text.
        Object.entries(headers).map(([name, value]) => [
          name.toLowerCase(),
          Buffer.from(value, "latin1").toString("utf8"),
        ]),
      ),
      body,
      responseBody: mbStrcut(outcome.responseBody, LOG_BODY_BYTES),
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      startedAt,
    };
    this.records.push(record);
    if (this.records.length > this.options.maxRecords)
      this.records.splice(0, this.records.length - this.options.maxRecords);
    return record;
  }

  /** Headers in curl's order. curl drops a custom header whose value is blank, so does this. */
  private requestHeaders(
    webhook: StoredWebhook,
    events: string[],
    body: string,
    input: EmitInput,
  ): Record<string, string> {
    const parsed = parsePhpUrl(webhook.url);
    const headers: Record<string, string> = {};
    if (parsed) headers["Host"] = parsed.port === undefined ? parsed.host : `${parsed.host}:${parsed.port}`;
    // CURLOPT_USERPWD only when both are non-empty (PHP empty(): "0" counts as empty).
    if (!phpEmpty(webhook.authUsername) && !phpEmpty(webhook.authPassword)) {
      const credentials = `${webhook.authUsername}:${webhook.authPassword}`;
      headers["Authorization"] = "Basic " + Buffer.from(credentials, "utf8").toString("base64");
    } else if (parsed?.user !== undefined) {
      // curl falls back to credentials embedded in the URL, %-decoded byte for byte.
      const decoded = `${rawUrlDecode(parsed.user)}:${rawUrlDecode(parsed.pass ?? "")}`;
      headers["Authorization"] = "Basic " + Buffer.from(decoded, "latin1").toString("base64");
    }
    headers["User-Agent"] = DELIVERY_USER_AGENT;
    headers["Accept"] = "*/*";
    const custom: Array<[string, string]> = [
      ["Content-Type", "application/json"],
      ["Content-Length", String(byteLength(body))],
      ["X-Appwrite-Webhook-Id", webhook.$id],
      ["X-Appwrite-Webhook-Events", events.join(",")],
      ["X-Appwrite-Webhook-Name", webhook.name],
      ["X-Appwrite-Webhook-User-Id", input.userId ?? ""],
      ["X-Appwrite-Webhook-Project-Id", webhook.projectId],
      [
        "X-Appwrite-Webhook-Signature",
        signWebhookPayload({ url: webhook.url, rawBody: body, secret: webhook.secret }),
      ],
    ];
    for (const [name, value] of custom) {
      // curl sends header bytes as given (UTF-8 here); Node would write a JS string as latin1
      // and refuse characters above U+00FF, so pass the UTF-8 bytes as a binary string.
      if (value.trim() !== "") headers[name] = Buffer.from(value, "utf8").toString("latin1");
    }
    return headers;
  }

  private async send(
    webhook: StoredWebhook,
    headers: Record<string, string>,
    body: string,
    started: number,
  ): Promise<Outcome> {
    const empty = Buffer.alloc(0);
    const parsed = parsePhpUrl(webhook.url);
    if (!parsed)
      return {
        status: null,
        error: "URL using bad/illegal format or missing URL",
        responseBody: empty,
        target: null,
      };
    const host = parsed.host.toLowerCase();
    const port = parsed.port ?? (parsed.scheme.toLowerCase() === "https" ? 443 : 80);
    const routed = this.routes.get(host.replace(/\.$/, ""));
    const path =
      parsed.pathAndQuery === ""
        ? "/"
        : parsed.pathAndQuery.startsWith("?")
          ? `/${parsed.pathAndQuery}`
          : parsed.pathAndQuery;
    if (!routed && !this.options.allowExternalDelivery) {
      return {
        status: null,
        error: `Could not resolve host: ${parsed.host}`,
        responseBody: empty,
        target: null,
      };
    }
    const origin = routed ?? `${parsed.scheme.toLowerCase()}://${headers["Host"] ?? host}`;
    const target = origin + path;
    const dispatcher: Dispatcher = webhook.tls ? this.verifyingAgent : this.trustingAgent;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs);
    try {
      const response = await request(target, {
        method: "POST",
        headers,
        body,
        dispatcher,
        signal: controller.signal,
        // curl sets MAXREDIRS but not FOLLOWLOCATION, and undici's request() does not follow
        // redirects either: a 3xx is the final answer (and counts as success).
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_RESPONSE_BYTES) {
          controller.abort();
          throw Object.assign(new Error("Maximum file size exceeded"), { code: "CURLE_FILESIZE_EXCEEDED" });
        }
        chunks.push(chunk as Buffer);
      }
      return { status: response.statusCode, error: null, responseBody: Buffer.concat(chunks), target };
    } catch (error) {
      const elapsed = Math.round(performance.now() - started);
      return {
        status: null,
        error: curlError(error, parsed.host, port, elapsed, timedOut),
        responseBody: empty,
        target,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Appwrite's bookkeeping after one delivery. */
  private record(webhook: StoredWebhook, success: boolean, outcome: Outcome, events: string[]): void {
    // A webhook deleted while its delivery was in flight has nothing left to update.
    if (this.store.webhookById(webhook.$id) !== webhook) return;
    if (success) {
      this.store.updateWebhook(webhook, { attempts: 0 });
      return;
    }
    const attempts = webhook.attempts + 1;
    let logs = `URL: ${webhook.url}\nMethod: POST\n`;
    if (outcome.error !== null) {
      logs += `CURL Error: ${outcome.error}\nEvents: ${events.join(", ")}\n`;
    } else {
      logs += `Status code: ${outcome.status ?? 0}\nBody: \n${mbStrcut(outcome.responseBody, LOG_BODY_BYTES)}\n`;
    }
    this.store.updateWebhook(webhook, {
      attempts,
      logs,
      ...(attempts >= this.options.maxFailedAttempts ? { enabled: false } : {}),
    });
  }
}
