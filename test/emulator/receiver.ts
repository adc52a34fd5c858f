/**
 * A local webhook receiver on 127.0.0.1 for delivery tests: records every request and
 * answers per path (status, headers, body, delay), 200 "ok" by default.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Header names in the order they arrived (raw case). */
  headerNames: string[];
  /** Every header line as [name, value], in arrival order; values as bytes (latin1). */
  headerLines: Array<[string, string]>;
  body: string;
  rawBody: Buffer;
  /** Which TCP connection carried the request (1 for the receiver's first). */
  connection: number;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

export interface Receiver {
  readonly origin: string;
  readonly received: ReceivedRequest[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** Sets the reply for paths starting with `prefix`. */
  reply(prefix: string, reply: Reply): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const replies = new Map<string, Reply>();
  const connectionIds = new WeakMap<object, number>();
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({
        method: req.method ?? "",
        path,
        headers: req.headers,
        headerNames: req.rawHeaders.filter((_, index) => index % 2 === 0),
        headerLines: req.rawHeaders.flatMap((name, index, all) =>
          index % 2 === 0 ? [[name, all[index + 1] as string] as [string, string]] : [],
        ),
        body: Buffer.concat(chunks).toString("utf8"),
        rawBody: Buffer.concat(chunks),
        connection: connectionIds.get(req.socket) ?? 0,
      });
      const reply = [...replies].find(([prefix]) => path.startsWith(prefix))?.[1] ?? {};
      const send = (): void => {
        if (!res.destroyed) res.writeHead(reply.status ?? 200, reply.headers).end(reply.body ?? "ok");
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  server.on("connection", (socket) => connectionIds.set(socket, ++connections));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    connections: () => connections,
    reply: (prefix, reply) => replies.set(prefix, reply),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
