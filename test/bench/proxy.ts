/**
 * A TCP pass-through in front of the emulator that counts the connections clients open, so the
 * benchmark can show keep-alive at work: with connection reuse, a command opens at most as many
 * sockets as it has requests in flight, however many requests it makes.
 *
 * (The emulator has no connection counter of its own; measuring from outside keeps it unchanged.
 * The extra local hop costs well under a millisecond per request, against the 25 ms latency the
 * emulator injects, and every client, ours and the SDK, goes through it alike.)
 */
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from "node:net";

export interface ConnectionCounts {
  /** Connections accepted since the last reset. */
  opened: number;
  /** Most connections open at once since the last reset. */
  peakOpen: number;
}

export interface CountingProxy {
  /** Scheme, host and port to use instead of the target's. */
  readonly origin: string;
  counts(): ConnectionCounts;
  reset(): void;
  close(): Promise<void>;
}

export async function startCountingProxy(targetPort: number, host = "127.0.0.1"): Promise<CountingProxy> {
  let opened = 0;
  let open = 0;
  let peakOpen = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    opened++;
    open++;
    peakOpen = Math.max(peakOpen, open);
    const upstream = createConnection({ port: targetPort, host });
    sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream).pipe(client);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      open--;
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("close", close).on("error", close);
    upstream.on("close", close).on("error", close);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    counts: () => ({ opened, peakOpen }),
    reset() {
      opened = 0;
      // Connections still open (an SDK's idle pool) stay counted in the peak.
      peakOpen = open;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
