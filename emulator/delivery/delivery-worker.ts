/**
 * The webhook delivery worker (src/Appwrite/Platform/Workers/Webhooks.php at 1.9.6, and on main
 * where `rules` say so): for an event, POST the PHP-json_encoded payload to every enabled
 * webhook of the project whose events intersect the generated event list, signed over the URL
 * (decoded in 1.9.6, as stored on main) and the body, and keep
 * Appwrite's bookkeeping: attempts, the overwritten failure log, auto-disable.
 *
 * Requests go through host routes (a public webhook host mapped to a local origin) so tests
 * use valid public URLs while a loopback receiver gets the traffic. With external delivery
 * off, an unrouted host fails the way an unresolvable one does, without touching the network.
 */
import { eventsForTrigger } from "./generate-events";
import { appwriteTimestamp } from "../state/ids";
import { byteLength, mbStrcut, phpEmpty, phpJsonEncode } from "../php/php-builtins";
import { phpReencode } from "../php/json-reencode";
import { rawUrlDecodeBytes, signDelivery } from "./delivery-signature";
import type { ReleaseRules } from "../appwrite-config/releases";
import type { Store } from "../state/store";
import type { DeliveryRecord, EmitInput, HostRoutes, StoredWebhook } from "../types";
import { parsePhpUrl } from "../validators/url-validator";
import { CurlError, sendOnce } from "./libcurl-request";

/** Sent by the worker; the tests of Appwrite see `vdev` and the default security address. */
export const DELIVERY_USER_AGENT = "Appwrite-Server vdev. Please report abuse at security@appwrite.io";
/** CURLOPT_MAXFILESIZE: the worker reads at most 5 MB of a response. */
const MAX_RESPONSE_BYTES = 5_242_880;
/** mb_strcut(responseBody, 0, 10000): how much of a failing response lands in `logs`. */
const LOG_BODY_BYTES = 10_000;
/** APP_LIMIT_SUBQUERY: the project document carries at most this many webhooks. */
const MAX_WEBHOOKS_PER_PROJECT = 1000;

export interface DeliveryOptions {
  /** What the Appwrite release signs, which events it generates, how it labels a failure. */
  rules: ReleaseRules;
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

/**
 * The text the queue would hold for this event: the raw text when given, else the object as
 * PHP's json_encode wrote it when Appwrite queued the event.
 */
function payloadTextOf(input: EmitInput): string {
  return input.payloadText !== undefined ? input.payloadText : phpJsonEncode(input.payload);
}

export class DeliveryWorker {
  private routes = new Map<string, string>();
  private readonly records: DeliveryRecord[] = [];
  private seq = 0;

  constructor(
    private readonly store: Store,
    private readonly options: DeliveryOptions,
  ) {}

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

  /** Nothing to release: every delivery opens and closes its own connection, as curl does. */
  async close(): Promise<void> {}

  /** Delivers one event; resolves when every delivery has finished, with their records. */
  async emit(input: EmitInput): Promise<DeliveryRecord[]> {
    if (!this.store.project(input.projectId)) throw new Error(`Unknown project "${input.projectId}"`);
    const events = eventsForTrigger(input.event, input.params, this.options.rules.events);
    const wanted = new Set(events);
    // Fails, before any delivery, where PHP's decode or encode would (INF, lone surrogates, depth).
    const body = phpReencode(payloadTextOf(input));
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
    const outcome = await this.send(webhook, headers, body);
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
        headers.map(([name, value]) => [name.toLowerCase(), Buffer.from(value, "latin1").toString("utf8")]),
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

  /**
   * The header lines libcurl 7.88 writes for the worker's handle: Host, Authorization (from
   * CURLOPT_USERPWD or the URL's credentials), User-Agent, Accept (any type), then CURLOPT_HTTPHEADER
   * in the worker's order (Webhooks.php lines 131-144). curl drops a custom header whose
   * value is blank (`X-Appwrite-Webhook-User-Id:` for a key-triggered event), so does this.
   */
  private requestHeaders(
    webhook: StoredWebhook,
    events: string[],
    body: string,
    input: EmitInput,
  ): Array<[string, string]> {
    const parsed = parsePhpUrl(webhook.url);
    const headers: Array<[string, string]> = [];
    if (parsed)
      headers.push(["Host", parsed.port === undefined ? parsed.host : `${parsed.host}:${parsed.port}`]);
    // CURLOPT_USERPWD only when both are non-empty (PHP empty(): "0" counts as empty).
    if (!phpEmpty(webhook.authUsername) && !phpEmpty(webhook.authPassword)) {
      const credentials = `${webhook.authUsername}:${webhook.authPassword}`;
      headers.push(["Authorization", "Basic " + Buffer.from(credentials, "utf8").toString("base64")]);
    } else if (parsed?.user !== undefined) {
      // curl falls back to credentials embedded in the URL, %-decoded byte for byte.
      const decoded = Buffer.concat([
        rawUrlDecodeBytes(parsed.user),
        Buffer.from(":"),
        rawUrlDecodeBytes(parsed.pass ?? ""),
      ]);
      headers.push(["Authorization", "Basic " + decoded.toString("base64")]);
    }
    headers.push(["User-Agent", DELIVERY_USER_AGENT], ["Accept", "*/*"]);
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
        signDelivery(webhook.url, body, webhook.secret, this.options.rules.signedUrl),
      ],
    ];
    for (const [name, value] of custom) {
      // curl sends header bytes as given (UTF-8 here); Node would write a JS string as latin1
      // and refuse characters above U+00FF, so pass the UTF-8 bytes as a binary string.
      if (value.trim() !== "") headers.push([name, Buffer.from(value, "utf8").toString("latin1")]);
    }
    return headers;
  }

  private async send(
    webhook: StoredWebhook,
    headers: Array<[string, string]>,
    body: string,
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
    const hostHeader = headers.find(([name]) => name === "Host")?.[1] ?? host;
    const origin = routed ?? `${parsed.scheme.toLowerCase()}://${hostHeader}`;
    const target = origin + path;
    try {
      // curl sets MAXREDIRS but not FOLLOWLOCATION: a 3xx is the final answer (and a success).
      const response = await sendOnce({
        origin: new URL(origin),
        path,
        headers,
        body: Buffer.from(body, "utf8"),
        verifyTls: webhook.tls,
        timeoutMs: this.options.timeoutMs,
        connectTimeoutMs: this.options.connectTimeoutMs,
        maxResponseBytes: MAX_RESPONSE_BYTES,
        curlHost: parsed.host,
        curlPort: port,
      });
      return { status: response.status, error: null, responseBody: response.body, target };
    } catch (error) {
      const message = error instanceof CurlError ? error.message : String(error);
      return { status: null, error: message, responseBody: empty, target };
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
      logs += `${this.options.rules.deliveryErrorLabel}: ${outcome.error}\nEvents: ${events.join(", ")}\n`;
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
