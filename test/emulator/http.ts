/**
 * Raw HTTP access for the contract suite (undici `request`), independent of the official SDK
 * so that status codes, headers, key order and bytes can be asserted exactly. Also tracks
 * created webhooks so every test file can clean up after itself.
 */
import { request } from "undici";
import type { Target } from "./target";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Parsed body when it is JSON. */
  json: unknown;
}

export interface CallOptions {
  /** A JSON-serializable body, or a raw string sent as is. */
  body?: unknown;
  raw?: string | Buffer;
  contentType?: string;
  /** null removes the header; undefined uses the target's value. */
  project?: string | null;
  key?: string | null;
  headers?: Record<string, string>;
}

export async function call(
  target: Target,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const project = options.project === undefined ? target.projectId : options.project;
  const key = options.key === undefined ? target.apiKey : options.key;
  if (project !== null) headers["x-appwrite-project"] = project;
  if (key !== null) headers["x-appwrite-key"] = key;
  let body: string | Buffer | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers["content-type"] = options.contentType ?? "application/json";
  const response = await request(`${target.endpoint}${path}`, { method: method as "GET", headers, body });
  const text = await response.body.text();
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, headers: flat, text, json };
}

export type Json = Record<string, unknown>;

export function body(response: RawResponse): Json {
  if (response.json === null || typeof response.json !== "object") {
    throw new Error(`expected a JSON object, got ${response.status}: ${response.text.slice(0, 200)}`);
  }
  return response.json as Json;
}

/** A valid create body; override any field. */
export function webhookBody(webhookId: string, overrides: Json = {}): Json {
  return {
    webhookId,
    url: "https://hooks.example.com/appwrite",
    name: "contract",
    events: ["users.*.create"],
    ...overrides,
  };
}

/** Remembers created webhooks and deletes them (ignoring 404s) in cleanup. */
export class Cleanup {
  private readonly ids = new Map<string, Target>();

  track(target: Target, id: string): string {
    this.ids.set(id, target);
    return id;
  }

  async run(): Promise<void> {
    const entries = [...this.ids];
    this.ids.clear();
    await Promise.all(
      entries.map(async ([id, target]) => {
        const response = await call(target, "DELETE", `/webhooks/${encodeURIComponent(id)}`);
        if (response.status !== 204 && response.status !== 404) {
          throw new Error(`cleanup of ${id} failed with ${response.status}: ${response.text}`);
        }
      }),
    );
  }
}

/** Creates a webhook (raw HTTP), asserts 201, tracks it, and returns the body. */
export async function createWebhook(
  target: Target,
  cleanup: Cleanup,
  id: string,
  overrides: Json = {},
): Promise<Json> {
  const response = await call(target, "POST", "/webhooks", { body: webhookBody(id, overrides) });
  if (response.status !== 201) throw new Error(`create ${id} failed: ${response.status} ${response.text}`);
  const created = body(response);
  cleanup.track(target, String(created["$id"]));
  return created;
}

/** Asserts nothing itself: returns the error body fields for expect(). */
export function errorOf(response: RawResponse): {
  status: number;
  keys: string[];
  type: unknown;
  message: unknown;
  code: unknown;
  version: unknown;
} {
  const json = body(response);
  return {
    status: response.status,
    keys: Object.keys(json),
    type: json["type"],
    message: json["message"],
    code: json["code"],
    version: json["version"],
  };
}

export const ERROR_KEYS = ["message", "code", "type", "version"];
