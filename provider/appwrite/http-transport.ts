/**
 * One HTTP attempt and what became of it: an answer, or a network failure classified by whether
 * the request may have reached the server. Retries, Appwrite's headers and error texts are
 * ./call-runner's; connection pools and undici are here.
 *
 * undici's parts are loaded by their own paths: its index also loads fetch, WebSocket, cookies,
 * the mock agents and the caches, 120 ms of every provider process's cold start, where these two
 * take about 40. The lockfile pins undici, and test/provider/cold-start.test.ts checks that they are
 * the classes its index exports.
 */
import { availableParallelism } from "node:os";
import type { Agent as UndiciAgent, Dispatcher } from "undici";
import AgentClass from "undici/lib/dispatcher/agent";
import apiRequest from "undici/lib/api/api-request";

/**
 * Connections per origin: at least the engine's default parallelism (4 × cores), since each
 * parallel step holds a connection for its call; more sockets than that only cost the server
 * file descriptors.
 */
export const CONNECTIONS_PER_ORIGIN = Math.max(16, 4 * availableParallelism());
/** Idle sockets live this long, so the steps of one `pulumi up` reuse them. */
const KEEP_ALIVE_MS = 30_000;

export type Agent = UndiciAgent;

const agents = new Map<string, Agent>();

/** One pool per TLS policy, shared by every client of the process; undici keeps a pool per origin inside. */
export function agentFor(selfSigned: boolean): Agent {
  const key = selfSigned ? "self-signed" : "verified";
  let agent = agents.get(key);
  if (!agent) {
    agent = new AgentClass({
      connections: CONNECTIONS_PER_ORIGIN,
      keepAliveTimeout: KEEP_ALIVE_MS,
      connect: { rejectUnauthorized: !selfSigned },
    });
    agents.set(key, agent);
  }
  return agent;
}

export interface HttpAnswer {
  kind: "response";
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface NetworkFailure {
  kind: "network";
  code: string;
  detail: string;
  /** False only when the request provably never left: the connection was refused or never opened. */
  reachedServer: boolean;
}

export type Attempt = HttpAnswer | NetworkFailure;

export interface AttemptOptions {
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Milliseconds to wait for the response's headers, and then between body chunks. */
  timeoutMs: number;
}

/** One request through `agent`, as undici's `request(url, { dispatcher })` makes it; never throws. */
export async function sendAttempt(agent: Agent, url: string, options: AttemptOptions): Promise<Attempt> {
  const { origin, pathname, search } = new URL(url);
  try {
    const response = await apiRequest.call(agent, {
      origin,
      path: `${pathname}${search}`,
      method: options.method,
      headers: options.headers,
      body: options.body,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    const body = await response.body.text();
    return { kind: "response", status: response.statusCode, headers: response.headers, body };
  } catch (error) {
    return networkFailure(error);
  }
}

/** undici's codes for an answer that did not come in time (its HeadersTimeoutError, BodyTimeoutError). */
const TIMEOUT_CODES: readonly string[] = ["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"];
/** Failures before the request left: refused, unresolvable, or never connected. */
const NEVER_SENT_CODES: readonly string[] = [
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
];

/** Classifies a failed request. Anything but a failure to connect may have been processed. */
function networkFailure(error: unknown): NetworkFailure {
  const code = errorCode(error);
  const detail = TIMEOUT_CODES.includes(code)
    ? "no answer within the timeout"
    : error instanceof Error
      ? error.message
      : String(error);
  return { kind: "network", code, detail, reachedServer: !NEVER_SENT_CODES.includes(code) };
}

function errorCode(error: unknown): string {
  if (error && typeof error === "object") {
    const direct = (error as { code?: unknown }).code;
    const cause = (error as { cause?: { code?: unknown } }).cause?.code;
    if (typeof cause === "string" && (direct === undefined || direct === "UND_ERR_SOCKET")) return cause;
    if (typeof direct === "string") return direct;
  }
  return "UNKNOWN";
}
