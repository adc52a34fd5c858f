/**
 * The emulator's public data types. They are shared by the in-process API (`index.ts`), the
 * HTTP control API (`control/control-api.ts`) and its client (`control/control-client.ts`), so all three speak
 * the same shapes.
 */
import type { AppwriteRelease } from "./appwrite-config/releases";

export type { AppwriteRelease };

/** A project API key to create. Omit `key` to get a generated `standard_<256 hex>` key. */
export interface EmulatorKeyOptions {
  key?: string;
  /** Defaults to both webhook scopes: ["webhooks.read", "webhooks.write"]. */
  scopes?: string[];
  /** ISO 8601 datetime after which the key answers 401 project_key_expired; null = never. */
  expire?: string | null;
}

export interface EmulatorProjectOptions {
  id: string;
  keys?: EmulatorKeyOptions[];
}

export interface EmulatorOptions {
  /**
   * The Appwrite release to speak: "1.9.6" (the default, the newest release) or "next"
   * (Appwrite's main branch: it signs the URL as stored and accepts the newer events). What
   * differs, and where each rule comes from, is recorded in appwrite-config/releases.json.
   */
  appwrite?: AppwriteRelease;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1, so the emulator is never reachable from another machine. */
  host?: string;
  projects?: EmulatorProjectOptions[];
  /** Total time a delivery may take (curl CURLOPT_TIMEOUT). Appwrite uses 15 s. */
  deliveryTimeoutMs?: number;
  /** Time to establish a delivery connection; keeps an unreachable host from eating the total. */
  connectTimeoutMs?: number;
  /** `_APP_WEBHOOK_MAX_FAILED_ATTEMPTS`: consecutive failures that disable a webhook. Default 10. */
  maxFailedAttempts?: number;
  /** Added to every API request before it is handled (benchmarks). Default 0. */
  latencyMs?: number;
  /**
   * When false (the default) a delivery to a host without a route fails at once with curl's
   * "Could not resolve host" instead of touching the network, so tests never leak traffic.
   */
  allowExternalDelivery?: boolean;
  /** `_APP_ENV`. Anything but "production" (the default) allows the request-catcher hosts. */
  appEnv?: string;
  /** Largest accepted request body. Default 10 MB. */
  maxBodyBytes?: number;
  /** Deliveries sent at once for one event. Appwrite's worker sends them one by one (1). */
  deliveryConcurrency?: number;
  /** Initial host routes, see Emulator.setHostRoutes. */
  hostRoutes?: HostRoutes;
  /** Delivery records kept for inspection (oldest dropped first). Default 10 000. */
  maxDeliveryRecords?: number;
}

/** A webhook as the emulator stores it, secret included (emulator-only inspection). */
export interface StoredWebhook {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  projectId: string;
  /** Insertion order across the instance (`$sequence`), the default list order. */
  sequence: number;
  name: string;
  url: string;
  events: string[];
  tls: boolean;
  authUsername: string;
  authPassword: string;
  secret: string;
  enabled: boolean;
  logs: string;
  attempts: number;
}

/** Fields an out-of-band change may set (Emulator.updateWebhook). */
export type WebhookChanges = Partial<
  Pick<
    StoredWebhook,
    | "name"
    | "url"
    | "events"
    | "tls"
    | "authUsername"
    | "authPassword"
    | "secret"
    | "enabled"
    | "logs"
    | "attempts"
  >
>;

/** Something that happened in a project, to be delivered to the webhooks subscribed to it. */
export type EmitInput = EmitBase &
  (
    | {
        /**
         * The payload as a value; it is queued as PHP's json_encode writes it, then delivered as
         * the worker re-encodes it (`{}` arrives as `[]`). Integer-like keys come first here,
         * as JavaScript orders them, and numbers are doubles: use payloadText for exact bytes.
         */
        payload: unknown;
        payloadText?: undefined;
      }
    | {
        /**
         * The payload as the JSON text Appwrite's queue holds. It is delivered as
         * json_encode(json_decode(text, true)): key order, 64-bit integers and PHP's float and
         * array rules kept. Text PHP cannot decode or re-encode is refused before delivery.
         */
        payloadText: string;
        payload?: undefined;
      }
  );

interface EmitBase {
  projectId: string;
  /**
   * A concrete event such as `users.u1.create`, or an Appwrite pattern with placeholders
   * such as `users.[userId].create` together with `params`.
   */
  event: string;
  /** The acting user; empty or absent for API-key triggered events. */
  userId?: string;
  /** Placeholder values for a pattern event, in pattern order. */
  params?: Record<string, string>;
}

/** One delivery attempt, as the emulator saw it. */
export interface DeliveryRecord {
  /** Increasing number of the attempt within this emulator. */
  seq: number;
  webhookId: string;
  projectId: string;
  /** The webhook URL as configured. */
  url: string;
  /** Where the request was actually sent (a host route), or null when no request was made. */
  target: string | null;
  /** Every event generated for the trigger (the X-Appwrite-Webhook-Events list). */
  events: string[];
  /** HTTP status received, or null after a transport error. */
  status: number | null;
  /** Appwrite's verdict: no transport error and status < 400. */
  success: boolean;
  /** curl-style error text for a transport failure, else null. */
  error: string | null;
  requestHeaders: Record<string, string>;
  /** The request body that was sent. */
  body: string;
  /** The first 10 000 bytes of the response body. */
  responseBody: string;
  durationMs: number;
  startedAt: string;
}

/** Host name (lowercase, without port) → origin such as `http://127.0.0.1:4567`. */
export type HostRoutes = Record<string, string>;

export type FaultKind = "latency" | "status" | "reset" | "commit-then-drop";

/** Which requests a fault applies to, and for how many of them. */
export interface FaultMatch {
  /** HTTP method, case-insensitive; any method when omitted. */
  method?: string;
  /** A path prefix (string) or a RegExp tested against the path; any API path when omitted. */
  path?: string | RegExp;
  /**
   * Only requests for this project (the X-Appwrite-Project header); any project when omitted. Lets
   * a test aim a fault at one client among several sharing the emulator, even on a route such as
   * `POST /v1/webhooks` or a list, whose path names no webhook.
   */
  projectId?: string;
  /** How many matching requests to affect; until cleared when omitted, null or Infinity. */
  count?: number | null;
}

export type FaultSpec = FaultMatch &
  (
    | { kind: "latency"; latencyMs: number }
    | {
        kind: "status";
        status: number;
        /** Sent as the Retry-After header. */
        retryAfter?: number | string;
        /** Error type in the body; chosen from the status when omitted. */
        type?: string;
        message?: string;
      }
    | { kind: "reset" }
    | { kind: "commit-then-drop" }
  );

/** One API request as the emulator received it (control API requests are not logged). */
export interface RequestRecord {
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** The counter key, e.g. `PUT /v1/webhooks/:id` or `GET (unmatched)`. */
  routeKey: string;
  /** Status sent, or null when a fault dropped the connection. */
  status: number | null;
  /** The caller's User-Agent ("" when absent). */
  userAgent: string;
  /** X-Appwrite-Project as sent ("" when absent). */
  projectId: string;
  receivedAt: string;
  durationMs: number;
}

/** Request counts per route key (e.g. `PUT /v1/webhooks/:id`) plus `total`. */
export type CounterSnapshot = Record<string, number>;
