/**
 * One signed test event to any receiver, sent by the emulator's own delivery worker: the event
 * is emitted into a private, in-memory project holding one webhook (the receiver's URL and key),
 * so the body, the header lines, their order and the signature are those of an emulator delivery
 * by construction, not by a second implementation that could drift from it.
 */
import { releaseRules, type AppwriteRelease } from "../appwrite-config/releases";
import { DeliveryWorker } from "../delivery/delivery-worker";
import { Store } from "../state/store";
import { uniqueId } from "../state/ids";
import { parsePhpUrl } from "../validators/url-validator";
import { eventPayload, readTriggeredEvent, type TriggeredEvent } from "./event-payload";

/** The webhook the event is delivered for, as Appwrite would hold it. */
export interface TestEventTarget {
  /** The webhook's URL: what the signature covers, and where the event goes unless `connect`. */
  url: string;
  /** The signing key. */
  secret: string;
  /**
   * An origin (`http://127.0.0.1:8080`) to send the request to instead of the URL's host, as a
   * tunnel or a proxy would; the signature, the request line and `Host` still follow `url`.
   */
  connect?: string;
  projectId?: string;
  webhookId?: string;
  webhookName?: string;
  /** Verify the receiver's certificate (the webhook's `tls`); on by default. */
  tls?: boolean;
  authUsername?: string;
  authPassword?: string;
  /** The whole delivery, as the worker's CURLOPT_TIMEOUT (15 s by default). */
  timeoutMs?: number;
  /** Whose delivery to imitate: Appwrite 1.9.6 (the default) or `next`, which signs the raw URL. */
  appwrite?: AppwriteRelease;
}

export interface TestEventResult {
  /** The event as delivered, each `*` ID replaced by a generated one. */
  event: TriggeredEvent;
  /** X-Appwrite-Webhook-Events: every name the event matches, as Appwrite generates them. */
  events: string[];
  /** The receiver's HTTP status, or null when no answer came (then `error` says why, as curl would). */
  status: number | null;
  error: string | null;
  /** The body sent, as PHP encodes it. */
  body: string;
  /** The start of the receiver's answer (10 000 bytes at most, as the worker logs it). */
  responseBody: string;
}

/** Appwrite's worker timeout (CURLOPT_TIMEOUT 15), as the emulator's. */
const DELIVERY_TIMEOUT_MS = 15_000;
/** Fail fast on an unreachable receiver, as the emulator does. */
const CONNECT_TIMEOUT_MS = 5_000;
/** A project ID of Appwrite's shape, for X-Appwrite-Webhook-Project-Id when none is given. */
const DEFAULT_PROJECT_ID = "test-project";

export async function sendTestEvent(
  eventName: string,
  target: TestEventTarget,
  extra: Readonly<Record<string, unknown>> = {},
): Promise<TestEventResult> {
  const rules = releaseRules(target.appwrite);
  const event = readTriggeredEvent(eventName, rules);
  const timeoutMs = target.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const store = new Store();
  // Any receiver: the URL is the caller's own, so the emulator's loopback-only guard does not apply.
  const worker = new DeliveryWorker(store, {
    rules,
    timeoutMs,
    connectTimeoutMs: Math.min(CONNECT_TIMEOUT_MS, timeoutMs),
    maxFailedAttempts: Number.POSITIVE_INFINITY,
    allowExternalDelivery: true,
    concurrency: 1,
    maxRecords: 1,
  });
  const projectId = target.projectId ?? DEFAULT_PROJECT_ID;
  store.createProject(projectId);
  store.insertWebhook(projectId, target.webhookId ?? uniqueId(), {
    name: target.webhookName ?? "Test event",
    url: target.url,
    events: [event.event],
    tls: target.tls ?? true,
    authUsername: target.authUsername ?? "",
    authPassword: target.authPassword ?? "",
    secret: target.secret,
    enabled: true,
    logs: "",
    attempts: 0,
  });
  if (target.connect !== undefined) {
    const host = parsePhpUrl(target.url)?.host;
    if (host === undefined) throw new Error(`${target.url} is not an http(s) URL with a host`);
    worker.setHostRoutes({ [host]: target.connect });
  }
  const [record] = await worker.emit({ projectId, event: event.event, payload: eventPayload(event, extra) });
  if (!record) throw new Error(`the event ${event.event} was not delivered`);
  return {
    event,
    events: record.events,
    status: record.status,
    error: record.error,
    body: record.body,
    responseBody: record.responseBody,
  };
}
