/**
 * The API floor: the official node-appwrite SDK doing the same N creates, gets, updates and
 * deletes as the Pulumi commands, with at most `parallel` requests in flight (the engine's
 * parallelism), against the same emulator and latency. No client can do the same work faster
 * than this at that concurrency, so `ours − engine floor − API floor` is our own overhead.
 *
 * It also times a paged list of the whole project (100 per page, one page after another): the
 * floor of a batched refresh.
 */
import { Client, Query, Webhooks } from "node-appwrite";
import { API_KEY, PROJECT, type BenchWorld, type EngineOp } from "./harness";
import type { ConnectionCounts } from "./proxy";

export const API_PHASES = ["create", "get", "list", "update", "delete"] as const;
export type ApiPhase = (typeof API_PHASES)[number];

/** The SDK phase that does the API work of a Pulumi operation; a no-change preview has none. */
export function floorPhase(op: EngineOp): ApiPhase | undefined {
  const phases: Record<EngineOp, ApiPhase | undefined> = {
    up: "create",
    preview: undefined,
    refresh: "get",
    // 50 of N: no phase of the API floor does that share alone.
    edit: undefined,
    rotate: undefined,
    update: "update",
    destroy: "delete",
  };
  return phases[op];
}

export interface ApiSample {
  phase: ApiPhase;
  ms: number;
  requests: number;
  connections: ConnectionCounts;
}

/** Runs `work` over 0..n-1 with at most `parallel` calls in flight, like the engine's step workers. */
async function inPool(n: number, parallel: number, work: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, worker));
}

/** The bench program's webhook shape, so both send the same bytes. */
function body(index: number, generation: number) {
  return {
    name: `bench ${index} g${generation}`,
    url: `https://hooks.example.com/bench/${index}`,
    events: ["users.*.create", "users.*.delete"],
    enabled: true,
    tls: true,
  };
}

const PAGE = 100;

export async function runApiFloor(
  world: BenchWorld,
  n: number,
  parallel: number,
  tag: string,
): Promise<ApiSample[]> {
  const client = new Client().setEndpoint(world.endpoint).setProject(PROJECT).setKey(API_KEY);
  const webhooks = new Webhooks(client);
  const id = (index: number) => `sdk-${tag}-${index}`;
  const samples: ApiSample[] = [];

  const timed = async (phase: ApiPhase, work: () => Promise<void>) => {
    world.emulator.resetCounters();
    world.proxy.reset();
    const started = performance.now();
    await work();
    samples.push({
      phase,
      ms: performance.now() - started,
      requests: world.emulator.counters()["total"] ?? 0,
      connections: world.proxy.counts(),
    });
  };

  await timed("create", () =>
    inPool(n, parallel, (i) => webhooks.create({ webhookId: id(i), ...body(i, 0) })),
  );
  await timed("get", () => inPool(n, parallel, (i) => webhooks.get({ webhookId: id(i) })));
  await timed("list", async () => {
    let cursor: string | undefined;
    for (;;) {
      const queries = [Query.limit(PAGE), ...(cursor ? [Query.cursorAfter(cursor)] : [])];
      const page = await webhooks.list({ queries, total: false });
      if (page.webhooks.length < PAGE) break;
      cursor = page.webhooks[page.webhooks.length - 1]?.$id;
    }
  });
  await timed("update", () =>
    inPool(n, parallel, (i) => webhooks.update({ webhookId: id(i), ...body(i, 1) })),
  );
  await timed("delete", () => inPool(n, parallel, (i) => webhooks.delete({ webhookId: id(i) })));
  return samples;
}
