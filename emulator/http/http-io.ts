/**
 * Reading requests and writing responses the way Appwrite's HTTP layer does: PHP-style query
 * strings (`queries[0]=…&total=false`), the JSON body decoding of utopia-php/http (a body it
 * cannot decode counts as "no parameters", it is not an error), a body size cap, and JSON
 * responses written with one Content-Length so keep-alive connections stay reusable.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** null for an empty body (204). */
  body: string | null;
}

export type RequestParams = Record<string, unknown>;

/** PHP's urldecode: "+" is a space; malformed %-sequences are kept literally. */
function urlDecode(text: string): string {
  const plus = text.replace(/\+/g, " ");
  if (!plus.includes("%")) return plus;
  const bytes: number[] = [];
  for (let i = 0; i < plus.length; i++) {
    const hex = plus.slice(i + 1, i + 3);
    if (plus[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      for (const byte of Buffer.from(plus[i] as string, "utf8")) bytes.push(byte);
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

function nextIndex(target: Record<string, unknown>): string {
  let next = 0;
  for (const key of Object.keys(target)) {
    if (/^\d+$/.test(key)) next = Math.max(next, Number(key) + 1);
  }
  return String(next);
}

/** parse_str: `a=1&b[]=x&b[]=y&c[k]=z`, with PHP's "." and " " to "_" in top-level names. */
export function parsePhpQuery(query: string): RequestParams {
  const result: RequestParams = {};
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawKey = urlDecode(eq === -1 ? pair : pair.slice(0, eq));
    const value = urlDecode(eq === -1 ? "" : pair.slice(eq + 1));
    const bracket = rawKey.indexOf("[");
    const base = (bracket > 0 ? rawKey.slice(0, bracket) : rawKey).replace(/[. ]/g, "_");
    if (base === "") continue;
    const path =
      bracket > 0 ? [...rawKey.slice(bracket).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] as string) : [];
    let target = result;
    let key = base;
    for (const segment of path) {
      const child = target[key];
      const container: Record<string, unknown> =
        child !== null && typeof child === "object" && !Array.isArray(child)
          ? (child as Record<string, unknown>)
          : {};
      target[key] = container;
      target = container;
      key = segment === "" ? nextIndex(container) : segment;
    }
    target[key] = value;
  }
  return result;
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });
/** json_decode's default depth. */
const MAX_JSON_DEPTH = 512;

/** A lone UTF-16 surrogate, which json_decode rejects (JSON_ERROR_UTF16). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when json_decode would fail on the already-parsed value (lone surrogates, depth). */
function phpWouldReject(value: unknown, depth: number): boolean {
  if (typeof value === "string") return LONE_SURROGATE.test(value);
  if (value === null || typeof value !== "object") return false;
  if (depth > MAX_JSON_DEPTH) return true;
  for (const [key, child] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key) || phpWouldReject(child, depth + 1)) return true;
  }
  return false;
}

/**
 * utopia-php/http `decodePayload`: anything but a JSON object or array (malformed JSON,
 * invalid UTF-8, a scalar) becomes an empty parameter set. A JSON list becomes index keys,
 * so `[]` on DELETE is "no parameters".
 */
export function decodeJsonParams(raw: Buffer): RequestParams {
  let parsed: unknown;
  try {
    parsed = JSON.parse(STRICT_UTF8.decode(raw));
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== "object" || phpWouldReject(parsed, 1)) return {};
  return Array.isArray(parsed) ? Object.fromEntries(parsed.entries()) : (parsed as RequestParams);
}

/** Request parameters: the query string for GET, the body (JSON or form) otherwise. */
export function requestParams(
  method: string,
  query: string,
  contentType: string | undefined,
  body: Buffer,
): RequestParams {
  if (method === "GET" || method === "HEAD") return parsePhpQuery(query);
  const header = contentType ?? "";
  const semicolon = header.indexOf(";");
  const type = semicolon > 0 ? header.slice(0, semicolon) : header;
  // Matching is exact, as in utopia-php/http: "Application/JSON" is not JSON to Appwrite.
  if (type === "application/json") return decodeJsonParams(body);
  if (type === "application/x-www-form-urlencoded") return parsePhpQuery(body.toString("utf8"));
  return {};
}

export class BodyTooLargeError extends Error {}

/** Reads the whole body, refusing more than `maxBytes` (checked before and while reading). */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > maxBytes) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/** Writes a complete response with an explicit length (keep-alive friendly). */
export function writeResponse(res: ServerResponse, response: ApiResponse): void {
  // The connection may be gone (emulator closing, client gave up during injected latency).
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string | number> = { ...response.headers };
  if (response.body !== null) headers["content-length"] = Buffer.byteLength(response.body);
  res.writeHead(response.status, headers);
  res.end(response.body ?? undefined);
}

export const JSON_CONTENT_TYPE = "application/json; charset=UTF-8";

export function jsonResponse(
  status: number,
  body: string,
  extraHeaders: Record<string, string> = {},
): ApiResponse {
  return { status, headers: { "content-type": JSON_CONTENT_TYPE, ...extraHeaders }, body };
}
