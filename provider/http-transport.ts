/**
 * The parts of undici the client uses, each loaded by its own path. undici's index also loads
 * fetch, WebSocket, cookies, the mock agents and the caches: 120 ms of every provider process's
 * cold start, where these two take about 40. The lockfile pins undici, and
 * test/unit/cold-start.test.ts checks that they are the classes its index exports.
 */
import type { Agent as UndiciAgent, Dispatcher } from "undici";
import AgentClass from "undici/lib/dispatcher/agent";
import apiRequest from "undici/lib/api/api-request";

export const Agent = AgentClass;
export type Agent = UndiciAgent;

export interface RequestOptions {
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Milliseconds to wait for the response's headers, and then between body chunks. */
  timeoutMs: number;
}

/** One request through `agent`, as undici's `request(url, { dispatcher })` makes it. */
export function sendRequest(
  agent: Agent,
  url: string,
  options: RequestOptions,
): Promise<Dispatcher.ResponseData> {
  const { origin, pathname, search } = new URL(url);
  return apiRequest.call(agent, {
    origin,
    path: `${pathname}${search}`,
    method: options.method,
    headers: options.headers,
    body: options.body,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
  });
}

/** undici's codes for an answer that did not come in time (its HeadersTimeoutError, BodyTimeoutError). */
export const TIMEOUT_CODES: readonly string[] = ["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"];
