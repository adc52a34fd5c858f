/**
 * The Appwrite webhooks REST client: the six calls, one transport, no Pulumi.
 *
 * Transport policy (after Appwrite's Terraform provider, internal/common/transport.go):
 * - one keep-alive pool per origin, shared by every resource in the provider process, so a
 *   parallel `pulumi up` pays one TCP/TLS handshake per connection, not per call;
 * - bounded retries with full-jitter exponential backoff, and a deadline per operation across
 *   its attempts, its waits and (for a create) the read that resolves an unanswered POST, so a
 *   server that answers slower than the timeout fails the step in bounded time, not in minutes;
 * - 429 is retried for every method, honouring Retry-After: Appwrite rate-limits before the
 *   action runs, so nothing was written;
 * - 408/5xx and dropped connections are retried only for calls that are safe to replay;
 * - a create whose answer was lost is resolved by reading the webhook by the ID we chose,
 *   never by a blind second POST: a failed apply the operator can rerun is recoverable, a
 *   duplicate webhook nobody knows about is not;
 * - every replayed write carries the same body, so an attempt that lands after a later one
 *   (an answer slower than the timeout) cannot undo it: the signing key is generated here, not
 *   by the server, when a rotation does not name one.
 */
import { randomBytes } from "node:crypto";
import type { Dispatcher } from "undici";
import { agentFor, sendAttempt, type Agent, type Attempt } from "./http-transport";
import { getConfigNamespace, type Connection } from "./config";
import { AppwriteApiError, AppwriteTransportError, hintFor, redact } from "./errors";
import { PACKAGE_VERSION } from "./version";

/** The `webhook` response model of Appwrite 1.9.x. */
export interface AppwriteWebhook {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  name: string;
  url: string;
  events: string[];
  tls: boolean;
  authUsername: string;
  authPassword: string;
  /** Only create and updateSecret return it; every other call returns "". */
  secret: string;
  enabled: boolean;
  logs: string;
  attempts: number;
}

export interface WebhookList {
  total: number;
  webhooks: AppwriteWebhook[];
}

/** The full desired state sent on create and update. PUT resets whatever is omitted. */
export interface WebhookBody {
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  tls: boolean;
  /** Omitted, never "", when unset: Appwrite rejects an empty string. */
  authUsername?: string;
  authPassword?: string;
}

export interface CreateOutcome {
  webhook: AppwriteWebhook;
  /**
   * True when the POST's answer was lost and the webhook was found by ID afterwards. The
   * server-generated secret is then unknown (reads return ""), so the caller must set or
   * rotate it.
   */
  recoveredAfterLostResponse: boolean;
}

/**
 * Five retries, as Appwrite's Terraform provider: enough to ride out a rolling restart
 * (about 6 s of backoff at the median) without making a dead endpoint hang a CI job.
 */
const MAX_RETRIES = 5;
/** First backoff step; doubled each attempt. Small, because the usual cause is a brief blip. */
const BASE_DELAY_MS = 200;
/** Cap on one wait, including a server's Retry-After, so a bad header cannot stall `up` for hours. */
const MAX_DELAY_MS = 30_000;
/** Response-model names of 1.9.x; without the header a newer server may rename fields again. */
const RESPONSE_FORMAT = "1.9.6";
const USER_AGENT = "pulumi-appwrite-webhooks";

/**
 * One operation (a call with its retries; for a create, also the reads that tell whether an
 * unanswered POST was written) ends within this many request timeouts plus the retry waits.
 * Each attempt may wait a full timeout, so without a deadline a server slower than the timeout
 * made one create take 228 s (a timed-out POST, then six timed-out reads) at the default 30 s.
 * Three timeouts cover what recovery needs: the attempt that went unanswered, the read or
 * replay that resolves it, and one more try; a server that cannot answer one request in three
 * timeouts is not going to answer a sixth. Derived from the timeout, not fixed, because the
 * timeout is the operator's statement of how slow their server may be.
 */
const REQUEST_TIMEOUTS_PER_OPERATION = 3;
/**
 * The most the backoff schedule can wait between attempts (0.2 + 0.4 + 0.8 + 1.6 + 3.2 s), added
 * to the deadline so fast failures (a 5xx, a reset) keep every retry they had before it: the
 * deadline is for slow servers, not for the retry policy.
 */
const RETRY_WAITS_MS = BASE_DELAY_MS * (2 ** MAX_RETRIES - 1);
/**
 * No attempt is started with less time than this left (or the whole timeout, when it is shorter):
 * it could only time out, and the operator would wait for nothing.
 */
const MIN_ATTEMPT_MS = 1_000;

/** The time limit of one operation, shared by its attempts and waits. */
interface Deadline {
  startedAt: number;
  at: number;
}

/** HTTP statuses worth another try when the call is safe to replay. */
const RETRYABLE_STATUS = new Set([408, 500, 502, 503, 504]);

/**
 * Request headers that carry credentials. They are never logged and never put into an error;
 * the values are also redacted from any server text we echo.
 */
export const SENSITIVE_HEADERS = ["x-appwrite-key", "authorization", "cookie"] as const;

interface Call {
  /** Human wording for errors: "create webhook hooks-1". */
  operation: string;
  method: Dispatcher.HttpMethod;
  path: string;
  body?: unknown;
  /** True when sending the same call twice has the same effect as once. */
  replaySafe: boolean;
  scope: "webhooks.read" | "webhooks.write";
  /** Secret values in the body, redacted from any error text (a proxy may echo the request). */
  sensitive?: readonly (string | undefined)[];
}

export interface ClientOptions {
  /** Called for each retry, with a message free of secrets. */
  onRetry?: (message: string) => void;
  /** Test seam: the sleep used between attempts. */
  sleep?: (ms: number) => Promise<void>;
  /** Extra secrets to redact from error text (signing secrets, passwords). */
  secrets?: readonly string[];
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wording of a read of one webhook, in its retry lines and errors, whichever request serves it. */
export const readOperation = (webhookId: string): string => `read webhook ${webhookId}`;

export class AppwriteClient {
  private readonly agent: Agent;

  constructor(
    private readonly connection: Connection,
    private readonly options: ClientOptions = {},
  ) {
    this.agent = agentFor(connection.selfSigned);
  }

  get projectId(): string {
    return this.connection.projectId;
  }

  /** One page of webhooks; `queries` are Appwrite JSON query strings. */
  async list(queries: string[] = []): Promise<WebhookList> {
    const search = new URLSearchParams();
    queries.forEach((query, index) => search.append(`queries[${index}]`, query));
    const suffix = queries.length > 0 ? `?${search.toString()}` : "";
    return this.json<WebhookList>({
      operation: "list webhooks",
      method: "GET",
      path: `/webhooks${suffix}`,
      replaySafe: true,
      scope: "webhooks.read",
    });
  }

  /** Every webhook of the project, following cursors 100 at a time. */
  async listAll(): Promise<AppwriteWebhook[]> {
    const all: AppwriteWebhook[] = [];
    let cursor: string | undefined;
    for (;;) {
      const queries = [JSON.stringify({ method: "limit", values: [PAGE_SIZE] })];
      if (cursor) queries.push(JSON.stringify({ method: "cursorAfter", values: [cursor] }));
      const page = await this.list(queries);
      all.push(...page.webhooks);
      // `total` is exact below Appwrite's count cap, which saves the final, empty page.
      if (page.webhooks.length < PAGE_SIZE || (page.total < TOTAL_CAP && all.length >= page.total))
        return all;
      cursor = page.webhooks[page.webhooks.length - 1]?.$id;
    }
  }

  async get(webhookId: string): Promise<AppwriteWebhook> {
    return this.getWithin(webhookId, this.deadline());
  }

  private async getWithin(webhookId: string, deadline: Deadline): Promise<AppwriteWebhook> {
    return this.json<AppwriteWebhook>(
      {
        operation: readOperation(webhookId),
        method: "GET",
        path: `/webhooks/${encodeURIComponent(webhookId)}`,
        replaySafe: true,
        scope: "webhooks.read",
      },
      deadline,
    );
  }

  /**
   * POST /webhooks. A lost answer (reset, timeout, 5xx) is resolved by reading the ID we
   * chose: found means the write happened; 404 means it did not, and only then is the POST sent
   * again. The POSTs and those reads share one deadline.
   */
  async create(webhookId: string, body: WebhookBody, secret?: string): Promise<CreateOutcome> {
    const call: Call = {
      operation: `create webhook ${webhookId}`,
      method: "POST",
      path: "/webhooks",
      body: { webhookId, ...body, ...(secret === undefined ? {} : { secret }) },
      replaySafe: false,
      scope: "webhooks.write",
      sensitive: [secret, body.authPassword],
    };
    const deadline = this.deadline();
    let unanswered = false;
    for (let attempt = 0; ; attempt++) {
      const result = await this.send(call, deadline);
      if (result.kind === "response" && result.status < 300) {
        return { webhook: parseJson<AppwriteWebhook>(result.body), recoveredAfterLostResponse: false };
      }
      // An earlier POST that timed out was written after our read found nothing: the ID is taken
      // by our own webhook, not by someone else's. Reporting it as a conflict would tell the
      // operator to adopt a webhook this very create made.
      if (
        unanswered &&
        result.kind === "response" &&
        result.status === 409 &&
        errorType(result.body) === "webhook_already_exists"
      ) {
        const late = await this.findWithin(webhookId, deadline);
        if (late) return { webhook: late, recoveredAfterLostResponse: true };
      }
      // 429 comes before the action runs: nothing was written, so the POST itself is retried.
      if (result.kind === "response" && result.status === 429 && attempt < MAX_RETRIES) {
        if (await this.backoff(call, attempt, describe(result), deadline, result.headers)) continue;
        throw this.finalError(call, result, this.outOfTime(attempt + 1, deadline));
      }
      if (result.kind === "response" && !RETRYABLE_STATUS.has(result.status))
        throw this.apiError(call, result);
      if (result.kind === "network" && !result.reachedServer) {
        // Never sent (refused, no DNS): nothing can have been written, so there is nothing to
        // look up, and the error is the create's own, not a read's.
        const stopped = await this.retryOrStop(call, attempt, result.detail, deadline);
        if (stopped === undefined) continue;
        throw this.finalError(call, result, `${stopped}; nothing was written`);
      }
      // Ambiguous: the server may have written the webhook. Ask before trying again.
      unanswered = true;
      const existing = await this.findAfterAmbiguousCreate(call, result, attempt + 1, deadline);
      if (existing) return { webhook: existing, recoveredAfterLostResponse: true };
      const stopped = await this.retryOrStop(call, attempt, describe(result), deadline);
      if (stopped === undefined) continue;
      // Not written when last read, but a POST that went unanswered may still be applied later.
      throw this.finalError(
        call,
        result,
        `${stopped}; it was not written when read back, but the server may still apply a request ` +
          `that went unanswered. ${takenOverNextTime(webhookId)}`,
      );
    }
  }

  /**
   * The read that tells whether an unanswered POST was written. When that read fails too, the
   * error is the create's (the operation that failed), saying what was tried after it.
   */
  private async findAfterAmbiguousCreate(
    call: Call,
    result: Attempt,
    attempts: number,
    deadline: Deadline,
  ): Promise<AppwriteWebhook | undefined> {
    const webhookId = (call.body as { webhookId: string }).webhookId;
    try {
      return await this.findWithin(webhookId, deadline);
    } catch (error) {
      const readFailure =
        error instanceof AppwriteTransportError
          ? error.summary
          : (error instanceof Error ? error.message : String(error)).replace(/\.$/, "");
      throw this.finalError(
        call,
        result,
        `after ${plural(attempts, "attempt")}; whether it was written is not known, since reading it back ` +
          `failed too (${readFailure}). ${takenOverNextTime(webhookId)}`,
      );
    }
  }

  /** PUT /webhooks/{id}: a full replace, idempotent. */
  async update(webhookId: string, body: WebhookBody): Promise<AppwriteWebhook> {
    return this.json<AppwriteWebhook>({
      operation: `update webhook ${webhookId}`,
      method: "PUT",
      path: `/webhooks/${encodeURIComponent(webhookId)}`,
      body,
      replaySafe: true,
      scope: "webhooks.write",
      sensitive: [body.authPassword],
    });
  }

  /**
   * PATCH /webhooks/{id}/secret, always with a value: without one the server generates a new key
   * per attempt, and an attempt that timed out but lands after the retry's answer would leave the
   * server on a key nobody holds (deliveries then fail verification until the next rotation).
   * With one key for every attempt, replays are idempotent and the key we return is the key in
   * force, whatever order the attempts land in.
   */
  async updateSecret(webhookId: string, secret: string = generateSigningKey()): Promise<AppwriteWebhook> {
    return this.json<AppwriteWebhook>({
      operation: `update the secret of webhook ${webhookId}`,
      method: "PATCH",
      path: `/webhooks/${encodeURIComponent(webhookId)}/secret`,
      body: { secret },
      replaySafe: true,
      scope: "webhooks.write",
      sensitive: [secret],
    });
  }

  /** DELETE /webhooks/{id}. Returns false when it was already gone. */
  async delete(webhookId: string): Promise<boolean> {
    const call: Call = {
      operation: `delete webhook ${webhookId}`,
      method: "DELETE",
      path: `/webhooks/${encodeURIComponent(webhookId)}`,
      replaySafe: true,
      scope: "webhooks.write",
    };
    const result = await this.withRetries(call);
    if (result.status === 404 && errorType(result.body) === "webhook_not_found") return false;
    if (result.status >= 300) throw this.apiError(call, result);
    return true;
  }

  /** GET by ID, with 404 as undefined. */
  async find(webhookId: string): Promise<AppwriteWebhook | undefined> {
    return this.findWithin(webhookId, this.deadline());
  }

  private async findWithin(webhookId: string, deadline: Deadline): Promise<AppwriteWebhook | undefined> {
    try {
      return await this.getWithin(webhookId, deadline);
    } catch (error) {
      if (error instanceof AppwriteApiError && error.type === "webhook_not_found") return undefined;
      throw error;
    }
  }

  private async json<T>(call: Call, deadline?: Deadline): Promise<T> {
    const result = await this.withRetries(call, deadline);
    if (result.status >= 300) throw this.apiError(call, result);
    return parseJson<T>(result.body);
  }

  /** The deadline of an operation that starts now (see REQUEST_TIMEOUTS_PER_OPERATION). */
  private deadline(): Deadline {
    const startedAt = Date.now();
    return {
      startedAt,
      at: startedAt + REQUEST_TIMEOUTS_PER_OPERATION * this.connection.timeoutMs + RETRY_WAITS_MS,
    };
  }

  /**
   * Waits for the next attempt and returns undefined, or says why there is none: "after 6
   * attempts", or the deadline the next one would not fit before.
   */
  private async retryOrStop(
    call: Call,
    attempt: number,
    reason: string,
    deadline: Deadline,
    headers?: Record<string, string | string[] | undefined>,
  ): Promise<string | undefined> {
    if (attempt >= MAX_RETRIES) return `after ${plural(attempt + 1, "attempt")}`;
    if (await this.backoff(call, attempt, reason, deadline, headers)) return undefined;
    return this.outOfTime(attempt + 1, deadline);
  }

  /** What the operator reads when the deadline ended an operation: the limit, and where it comes from. */
  private outOfTime(attempts: number, deadline: Deadline): string {
    const elapsed = seconds(Date.now() - deadline.startedAt);
    return (
      `after ${plural(attempts, "attempt")} in ${elapsed}, at the limit of ${seconds(deadline.at - deadline.startedAt)} ` +
      `for one operation: ${REQUEST_TIMEOUTS_PER_OPERATION} times the ${seconds(this.connection.timeoutMs)} request timeout ` +
      `(${getConfigNamespace()}:httpTimeoutSeconds) plus ${seconds(RETRY_WAITS_MS)} of waits between retries`
    );
  }

  private minAttemptMs(): number {
    return Math.min(MIN_ATTEMPT_MS, this.connection.timeoutMs);
  }

  /** Sends with the retry policy; returns the final HTTP answer or throws a transport error. */
  private async withRetries(
    call: Call,
    deadline: Deadline = this.deadline(),
  ): Promise<Extract<Attempt, { kind: "response" }>> {
    for (let attempt = 0; ; attempt++) {
      const result = await this.send(call, deadline);
      const retryable =
        result.kind === "network"
          ? call.replaySafe || !result.reachedServer
          : result.status === 429 || (call.replaySafe && RETRYABLE_STATUS.has(result.status));
      if (!retryable || attempt >= MAX_RETRIES) {
        if (result.kind === "network") throw this.finalError(call, result);
        return result;
      }
      const headers = result.kind === "response" ? result.headers : undefined;
      if (!(await this.backoff(call, attempt, describe(result), deadline, headers)))
        throw this.finalError(call, result, this.outOfTime(attempt + 1, deadline));
    }
  }

  /** One attempt, given no more than the time left before the operation's deadline. */
  private async send(call: Call, deadline: Deadline): Promise<Attempt> {
    const { endpoint, projectId, apiKey, timeoutMs } = this.connection;
    const headers: Record<string, string> = {
      "x-appwrite-project": projectId,
      "x-appwrite-key": apiKey,
      "x-appwrite-response-format": RESPONSE_FORMAT,
      "user-agent": `${USER_AGENT}/${PACKAGE_VERSION}`,
    };
    let payload: string | undefined;
    if (call.body !== undefined) {
      payload = JSON.stringify(call.body);
      headers["content-type"] = "application/json";
    }
    return sendAttempt(this.agent, `${endpoint}${call.path}`, {
      method: call.method,
      headers,
      body: payload,
      // At least the shortest useful attempt: a create's read-back may start at the deadline.
      timeoutMs: Math.max(this.minAttemptMs(), Math.min(timeoutMs, deadline.at - Date.now())),
    });
  }

  /**
   * Waits before the next attempt: Retry-After when the server sent one, else full jitter.
   * Returns false, without waiting, when the next attempt would not fit before the deadline.
   */
  private async backoff(
    call: Call,
    attempt: number,
    reason: string,
    deadline: Deadline,
    headers?: Record<string, string | string[] | undefined>,
  ): Promise<boolean> {
    const retryAfter = headers ? retryAfterMs(headers["retry-after"]) : undefined;
    // Full jitter: parallel applies that failed together must not retry together.
    const exponential = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt);
    const delay = Math.min(MAX_DELAY_MS, retryAfter ?? Math.random() * exponential);
    if (Date.now() + delay + this.minAttemptMs() > deadline.at) return false;
    this.options.onRetry?.(
      `retrying ${call.operation} after ${reason} (attempt ${attempt + 2} of ${MAX_RETRIES + 1}, waiting ${(delay / 1000).toFixed(1)} s)`,
    );
    await (this.options.sleep ?? defaultSleep)(delay);
    return true;
  }

  private apiError(call: Call, result: Extract<Attempt, { kind: "response" }>): AppwriteApiError {
    const parsed = parseErrorBody(result.body);
    let type = parsed.type;
    // A server older than 1.9 has no /v1/webhooks route; some versions answer with HTML.
    if (result.status === 404 && (type === "general_route_not_found" || (type === "" && parsed.isHtml))) {
      type = "general_route_not_found";
    }
    const message = this.redact(parsed.message || `unexpected answer`, call);
    const hint = hintFor(type, {
      scope: call.scope,
      projectId: this.connection.projectId,
      configNamespace: getConfigNamespace(),
    });
    return new AppwriteApiError(call.operation, result.status, type, message, hint);
  }

  /** The error of a call that failed for good; `tried` says what was attempted, for the operator. */
  private finalError(call: Call, result: Attempt, tried?: string): Error {
    if (result.kind === "response") {
      const error = this.apiError(call, result);
      if (!tried) return error;
      const message = `${error.appwriteMessage.replace(/\.$/, "")} (${tried})`;
      return new AppwriteApiError(error.operation, error.status, error.type, message, error.hint);
    }
    const detail = this.redact(result.detail, call);
    return new AppwriteTransportError(call.operation, result.code, tried ? `${detail}, ${tried}` : detail);
  }

  private redact(text: string, call: Call): string {
    return redact(text, [this.connection.apiKey, ...(this.options.secrets ?? []), ...(call.sensitive ?? [])]);
  }
}

/**
 * A signing key in the shape Appwrite generates (`bin2hex(random_bytes(64))`: 128 hex digits),
 * so a key made here is indistinguishable from one the server made.
 */
export function generateSigningKey(): string {
  return randomBytes(64).toString("hex");
}

/** "1 attempt", "2 attempts". */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** Milliseconds as seconds for a message: "30 s", "6.2 s". */
function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** What the next run does with a webhook an unfinished create may have left. */
function takenOverNextTime(webhookId: string): string {
  return (
    `The next \`pulumi up\` takes webhook ${webhookId} over if it finds it with this resource's ` +
    "name, URL and events"
  );
}

/** Appwrite pages default to 25; 100 keeps list calls few without large responses. */
export const PAGE_SIZE = 100;
/** Appwrite caps `total` at this count (APP_LIMIT_COUNT); at the cap it no longer says when to stop. */
const TOTAL_CAP = 5000;

function parseJson<T>(body: string): T {
  return JSON.parse(body) as T;
}

function errorType(body: string): string {
  return parseErrorBody(body).type;
}

function parseErrorBody(body: string): { type: string; message: string; isHtml: boolean } {
  try {
    const parsed = JSON.parse(body) as { type?: unknown; message?: unknown };
    return {
      type: typeof parsed.type === "string" ? parsed.type : "",
      message: typeof parsed.message === "string" ? parsed.message : "",
      isHtml: false,
    };
  } catch {
    return { type: "", message: body.slice(0, 200), isHtml: /<html|<!doctype/i.test(body) };
  }
}

function describe(result: Attempt): string {
  return result.kind === "response" ? `HTTP ${result.status}` : result.detail;
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === "") return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
