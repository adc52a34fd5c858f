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
  body: string;
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
  /** Sets the reply for paths starting with `prefix`. */
  reply(prefix: string, reply: Reply): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const replies = new Map<string, Reply>();
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
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const reply = [...replies].find(([prefix]) => path.startsWith(prefix))?.[1] ?? {};
      const send = (): void => {
        if (!res.destroyed) res.writeHead(reply.status ?? 200, reply.headers).end(reply.body ?? "ok");
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    reply: (prefix, reply) => replies.set(prefix, reply),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
