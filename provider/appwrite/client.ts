/**
 * The Appwrite webhooks REST client: the six calls, no Pulumi. What each call sends, and how a
 * create whose answer was lost is resolved, is here; how a call is run (headers, deadline,
 * retries, the transport policy and its trade-offs) is ./call-runner's.
 */
import { randomBytes } from "node:crypto";
import type { Attempt } from "./http-transport";
import {
  CallRunner,
  MAX_RETRIES,
  RETRYABLE_STATUS,
  describe,
  plural,
  type Call,
  type ClientOptions,
  type Deadline,
} from "./call-runner";
import type { Connection } from "./config";
import { AppwriteApiError, AppwriteTransportError } from "./errors";
import { errorType, parseJson } from "./response-bodies";
import type { AppwriteWebhook, CreateOutcome, WebhookBody, WebhookList } from "./webhook-models";

// The shapes the client's callers read and send.
export type { AppwriteWebhook, WebhookBody } from "./webhook-models";

/** The wording of a read of one webhook, in its retry lines and errors, whichever request serves it. */
export const readOperation = (webhookId: string): string => `read webhook ${webhookId}`;

export class AppwriteClient {
  /** Runs each call under the transport policy; the methods below say what to call. */
  private readonly calls: CallRunner;

  constructor(
    private readonly connection: Connection,
    options: ClientOptions = {},
  ) {
    this.calls = new CallRunner(connection, options);
  }

  get projectId(): string {
    return this.connection.projectId;
  }

  /** One page of webhooks; `queries` are Appwrite JSON query strings. */
  async list(queries: string[] = []): Promise<WebhookList> {
    const search = new URLSearchParams();
    queries.forEach((query, index) => search.append(`queries[${index}]`, query));
    const suffix = queries.length > 0 ? `?${search.toString()}` : "";
    return this.calls.json<WebhookList>({
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
    return this.getWithin(webhookId, this.calls.deadline());
  }

  private async getWithin(webhookId: string, deadline: Deadline): Promise<AppwriteWebhook> {
    return this.calls.json<AppwriteWebhook>(
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
    const deadline = this.calls.deadline();
    let unanswered = false;
    for (let attempt = 0; ; attempt++) {
      const result = await this.calls.send(call, deadline);
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
        if (await this.calls.backoff(call, attempt, describe(result), deadline, result.headers)) continue;
        throw this.calls.finalError(call, result, this.calls.outOfTime(attempt + 1, deadline));
      }
      if (result.kind === "response" && !RETRYABLE_STATUS.has(result.status))
        throw this.calls.apiError(call, result);
      if (result.kind === "network" && !result.reachedServer) {
        // Never sent (refused, no DNS): nothing can have been written, so there is nothing to
        // look up, and the error is the create's own, not a read's.
        const stopped = await this.calls.retryOrStop(call, attempt, result.detail, deadline);
        if (stopped === undefined) continue;
        throw this.calls.finalError(call, result, `${stopped}; nothing was written`);
      }
      // Ambiguous: the server may have written the webhook. Ask before trying again.
      unanswered = true;
      const existing = await this.findAfterAmbiguousCreate(call, result, attempt + 1, deadline);
      if (existing) return { webhook: existing, recoveredAfterLostResponse: true };
      const stopped = await this.calls.retryOrStop(call, attempt, describe(result), deadline);
      if (stopped === undefined) continue;
      // Not written when last read, but a POST that went unanswered may still be applied later.
      throw this.calls.finalError(
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
      throw this.calls.finalError(
        call,
        result,
        `after ${plural(attempts, "attempt")}; whether it was written is not known, since reading it back ` +
          `failed too (${readFailure}). ${takenOverNextTime(webhookId)}`,
      );
    }
  }

  /** PUT /webhooks/{id}: a full replace, idempotent. */
  async update(webhookId: string, body: WebhookBody): Promise<AppwriteWebhook> {
    return this.calls.json<AppwriteWebhook>({
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
    return this.calls.json<AppwriteWebhook>({
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
    const result = await this.calls.withRetries(call);
    if (result.status === 404 && errorType(result.body) === "webhook_not_found") return false;
    if (result.status >= 300) throw this.calls.apiError(call, result);
    return true;
  }

  /** GET by ID, with 404 as undefined. */
  async find(webhookId: string): Promise<AppwriteWebhook | undefined> {
    return this.findWithin(webhookId, this.calls.deadline());
  }

  private async findWithin(webhookId: string, deadline: Deadline): Promise<AppwriteWebhook | undefined> {
    try {
      return await this.getWithin(webhookId, deadline);
    } catch (error) {
      if (error instanceof AppwriteApiError && error.type === "webhook_not_found") return undefined;
      throw error;
    }
  }
}

/**
 * A signing key in the shape Appwrite generates (`bin2hex(random_bytes(64))`: 128 hex digits),
 * so a key made here is indistinguishable from one the server made.
 */
export function generateSigningKey(): string {
  return randomBytes(64).toString("hex");
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
