/**
 * The time to verify a 1 MiB body: the Web entry (Web Crypto) in Node 24, Bun, Deno and workerd,
 * beside the Node entry's node:crypto path in this process. One key and a URL without %XX, so one
 * HMAC-SHA1 over URL + 1 MiB per verification; the Web entry also copies URL + body into one
 * message, since Web Crypto has no incremental update().
 *
 * Node, Bun and Deno time the loop inside the runtime. workerd freezes its clocks while code
 * runs (a Spectre mitigation), so it is timed from outside: a request with N verifications minus
 * one with none, over Miniflare's local dispatch.
 */
import { performance } from "node:perf_hooks";
import { verifyWebhookSignature, signWebhookPayload } from "../../receiver/src/node/node-crypto";
import { BENCH_SECRET, BENCH_URL, benchBody } from "../receiver/runtimes/bench-body";
import {
  bundleForWorkers,
  fetchInRuntime,
  RUNTIMES,
  runtimeVersion,
  type Runtime,
} from "../receiver/runtimes/runtimes";
import { Miniflare } from "miniflare";

export interface VerifyRuntimeRow {
  runtime: Runtime;
  version: string;
  implementation: "node:crypto" | "Web Crypto";
  /** Median over the repeats of (time for the batch / iterations). */
  msPerVerify: number;
  /** msPerVerify divided by Node's node:crypto figure. */
  ratioToNodeCrypto: number;
  timing: "in-process" | "inside the runtime" | "outside (request with N minus request with 0)";
}

export interface VerifyBenchOptions {
  iterations?: number;
  repeats?: number;
  log?: (line: string) => void;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

function nodeCryptoMs(iterations: number): number {
  const rawBody = benchBody();
  const signature = signWebhookPayload({ url: BENCH_URL, rawBody, secret: BENCH_SECRET });
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    if (!verifyWebhookSignature({ url: BENCH_URL, rawBody, signature, secrets: BENCH_SECRET }).ok)
      throw new Error("bench: node:crypto rejected its own signature");
  }
  return (performance.now() - started) / iterations;
}

async function workerdMs(script: string, iterations: number, repeats: number): Promise<number[]> {
  const miniflare = new Miniflare({ modules: true, script, compatibilityDate: "2025-09-01" });
  const timed = async (n: number): Promise<number> => {
    const started = performance.now();
    const answer = (await (await miniflare.dispatchFetch(`http://bench.test/?n=${n}`)).json()) as {
      ok: boolean;
    };
    if (!answer.ok) throw new Error("bench: workerd rejected its own signature");
    return performance.now() - started;
  };
  try {
    await timed(1); // warm-up: the first request starts the isolate
    // Each batch beside its own empty request, so load that comes and goes hits both alike.
    const out: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const empty = await timed(0);
      out.push(((await timed(iterations)) - empty) / iterations);
    }
    return out;
  } finally {
    await miniflare.dispose();
  }
}

export async function measureVerifyRuntimes(options: VerifyBenchOptions = {}): Promise<VerifyRuntimeRow[]> {
  const iterations = options.iterations ?? 20;
  const repeats = options.repeats ?? 5;
  const log = options.log ?? (() => undefined);
  const bundle = await bundleForWorkers("test/receiver/runtimes/bench-worker.ts", "bench-worker.mjs");
  nodeCryptoMs(2); // warm-up
  const base = median(Array.from({ length: repeats }, () => nodeCryptoMs(iterations)));
  const rows: VerifyRuntimeRow[] = [
    {
      runtime: "node",
      version: process.version,
      implementation: "node:crypto",
      msPerVerify: base,
      ratioToNodeCrypto: 1,
      timing: "in-process",
    },
  ];
  for (const runtime of RUNTIMES) {
    log(`verify 1 MiB: ${runtime}`);
    let samples: number[];
    if (runtime === "workerd") samples = await workerdMs(bundle.text, iterations, repeats);
    else {
      samples = [];
      await fetchInRuntime(runtime, bundle.path, bundle.text, "http://bench.test/?n=2"); // warm caches
      for (let r = 0; r < repeats; r++) {
        const text = await fetchInRuntime(
          runtime,
          bundle.path,
          bundle.text,
          `http://bench.test/?n=${iterations}`,
        );
        const answer = JSON.parse(text) as { ms: number; ok: boolean };
        if (!answer.ok) throw new Error(`bench: ${runtime} rejected its own signature`);
        samples.push(answer.ms / iterations);
      }
    }
    const msPerVerify = median(samples);
    rows.push({
      runtime,
      version: await runtimeVersion(runtime),
      implementation: "Web Crypto",
      msPerVerify,
      ratioToNodeCrypto: msPerVerify / base,
      timing: runtime === "workerd" ? "outside (request with N minus request with 0)" : "inside the runtime",
    });
  }
  return rows;
}

/** The report section (`results.extra`): its rows also go into bench.json as its data. */
export function verifyRuntimesSection(rows: VerifyRuntimeRow[]): {
  title: string;
  markdown: string[];
  data: VerifyRuntimeRow[];
} {
  return {
    title: "Verifying a 1 MiB delivery, per runtime",
    markdown: [
      "One key, one URL form: one HMAC-SHA1 over URL + 1 MiB per verification. Median of the repeats; ratio to Node's node:crypto path.",
      "",
      "| runtime | version | implementation | ms per verify | × node:crypto | timed |",
      "| --- | --- | --- | --- | --- | --- |",
      ...rows.map(
        (row) =>
          `| ${row.runtime} | ${row.version} | ${row.implementation} | ${row.msPerVerify.toFixed(2)} | ${row.ratioToNodeCrypto.toFixed(2)} | ${row.timing} |`,
      ),
      "",
    ],
    data: rows,
  };
}

/** The same section as Markdown text, heading included. */
export function renderVerifyRuntimes(rows: VerifyRuntimeRow[]): string {
  const section = verifyRuntimesSection(rows);
  return [`## ${section.title}`, "", ...section.markdown].join("\n");
}
