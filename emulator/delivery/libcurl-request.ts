/**
 * One delivery request on the wire, the way the worker's curl handle sends it (libcurl 7.88,
 * as in Appwrite 1.9.6's image): a fresh connection per delivery, closed afterwards (the worker
 * makes a new handle each time), and exactly the header lines given, in the given order.
 *
 * undici and Node's default client both add a `Connection` header that curl never sends, so
 * this uses node:http with `setDefaultHeaders: false` (nodejs/node#56112, in the Node 24 the
 * project pins) and no agent: Node then writes only the caller's headers, and still parses the
 * response. A Node without that option adds `Connection: close`; the delivery still works.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

export interface WireRequest {
  /** Where to connect (a host route's origin, or the webhook's own). */
  origin: URL;
  /** Path and query as the request line carries them. */
  path: string;
  /** Header lines in send order; values are byte strings (UTF-8 bytes as latin1). */
  headers: Array<[string, string]>;
  body: Buffer;
  /** CURLOPT_SSL_VERIFYPEER/VERIFYHOST. */
  verifyTls: boolean;
  timeoutMs: number;
  connectTimeoutMs: number;
  /** CURLOPT_MAXFILESIZE. */
  maxResponseBytes: number;
  /** The webhook URL's host and port, which curl names in its errors (not a route's origin). */
  curlHost: string;
  curlPort: number;
}

export interface WireResponse {
  status: number;
  body: Buffer;
}

/** A transport failure, with the text curl_error() would give. */
export class CurlError extends Error {}

/** curl's wording for the transport failures a test can provoke. */
function curlMessage(error: unknown, host: string, port: number, elapsedMs: number): string {
  const err = error as { code?: string; message?: string; syscall?: string };
  switch (err.code) {
    case "ECONNREFUSED":
      return `Failed to connect to ${host} port ${port} after ${elapsedMs} ms: Couldn't connect to server`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `Could not resolve host: ${host}`;
    case "ECONNRESET":
      // Node says "socket hang up" when the peer closed without answering; a reset reads as such.
      return err.message === "socket hang up"
        ? "Empty reply from server"
        : "Recv failure: Connection reset by peer";
  }
  if (/certificate|self.signed|SSL|TLS/i.test(err.message ?? ""))
    return `SSL certificate problem: ${err.message ?? ""}`;
  return err.message ?? String(error);
}

export function sendOnce(wire: WireRequest): Promise<WireResponse> {
  const started = performance.now();
  const host = wire.origin.hostname.replace(/^\[|\]$/g, "");
  const port = Number(wire.origin.port || (wire.origin.protocol === "https:" ? 443 : 80));
  const named = (error: unknown): string => curlMessage(error, wire.curlHost, wire.curlPort, elapsed());
  const elapsed = (): number => Math.round(performance.now() - started);
  return new Promise<WireResponse>((resolve, reject) => {
    let settled = false;
    const fail = (message: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(total);
      clearTimeout(connect);
      reject(new CurlError(message));
      req.destroy();
    };
    const options = {
      host,
      port,
      method: "POST",
      path: wire.path,
      agent: false as const,
      setDefaultHeaders: false,
      headers: wire.headers.flat(),
      ...(wire.origin.protocol === "https:" ? { rejectUnauthorized: wire.verifyTls } : {}),
    };
    const onResponse = (response: IncomingMessage): void => {
      clearTimeout(connect);
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > wire.maxResponseBytes) return fail("Maximum file size exceeded");
        chunks.push(chunk);
      });
      response.on("end", () => {
        if (settled) return;
        settled = true;
        clearTimeout(total);
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) });
        req.destroy();
      });
      response.on("error", (error) => fail(named(error)));
    };
    const req =
      wire.origin.protocol === "https:"
        ? httpsRequest(options, onResponse)
        : httpRequest(options, onResponse);
    const total = setTimeout(
      () => fail(`Operation timed out after ${elapsed()} milliseconds with 0 bytes received`),
      wire.timeoutMs,
    );
    const connect = setTimeout(
      () => fail(`Connection timed out after ${elapsed()} milliseconds`),
      wire.connectTimeoutMs,
    );
    req.on("socket", (socket) => {
      const connected = (): void => clearTimeout(connect);
      socket.once(wire.origin.protocol === "https:" ? "secureConnect" : "connect", connected);
    });
    req.on("error", (error) => fail(named(error)));
    // The body as a Buffer: with a string body Node would re-encode the header bytes as UTF-8.
    req.end(wire.body);
  });
}
