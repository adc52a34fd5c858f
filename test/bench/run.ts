/**
 * `npm run bench`: the benchmark of issue #7, written to test/bench/results/ as JSON, Markdown
 * and SVG.
 *
 * Runs per N keep the whole bench under 15 minutes on a 2-core machine. The file backend
 * rewrites the whole checkpoint on every step, so at N=500 the engine is CPU-bound: one full
 * cycle there (ours and the floor) takes about 5 minutes, two thirds of it in the update of all
 * 500. So N=500 runs 2 cycles and only the first updates; preview and refresh, cheap and
 * carrying targets, run 3 times in every cycle.
 *
 * Options (environment): BENCH_SIZES=10,100,500  BENCH_RUNS=3,3,2  BENCH_UPDATE_RUNS=3,3,1
 * BENCH_REPEATS=3
 * BENCH_LATENCY_MS=25  BENCH_PARALLEL=<n> (default: the engine's own default, 4 × CPUs)
 * BENCH_OUT=<dir> (default test/bench/results).
 */
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "../support/engine";
import { runBench, type BenchResults } from "./bench";
import { evaluateTargets, renderMarkdown } from "./report";
import { renderSvg } from "./svg";
import { measureVerifyRuntimes, renderVerifyRuntimes } from "./verify-runtimes";

function numbers(value: string | undefined, fallback: number[]): number[] {
  if (!value) return fallback;
  const parsed = value.split(",").map((part) => Number(part.trim()));
  if (parsed.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`bench: not a list of counts: ${value}`);
  return parsed;
}

/** Writes through a *.tmp file (gitignored), so a crash never leaves half a report. */
function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

export function writeReport(results: BenchResults, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  writeAtomic(
    join(outDir, "bench.json"),
    `${JSON.stringify({ ...results, targets: evaluateTargets(results) }, null, 2)}\n`,
  );
  writeAtomic(join(outDir, "bench.md"), renderMarkdown(results, "bench.svg"));
  writeAtomic(join(outDir, "bench.svg"), renderSvg(results));
}

async function main(): Promise<void> {
  const env = process.env;
  const sizes = numbers(env["BENCH_SIZES"], [10, 100, 500]);
  const runCounts = numbers(
    env["BENCH_RUNS"],
    sizes.map((n) => (n >= 500 ? 2 : 3)),
  );
  const updateCounts = numbers(
    env["BENCH_UPDATE_RUNS"],
    sizes.map((n) => (n >= 500 ? 1 : 3)),
  );
  const perSize = (counts: number[]) =>
    Object.fromEntries(sizes.map((n, i) => [n, counts[i] ?? counts[counts.length - 1] ?? 1]));
  const parallel = env["BENCH_PARALLEL"] ? Number(env["BENCH_PARALLEL"]) : undefined;
  const outDir = resolve(REPO_ROOT, env["BENCH_OUT"] ?? join("test", "bench", "results"));
  const log = (line: string) => console.error(`bench: ${line}`);
  const results = await runBench({
    sizes,
    runs: perSize(runCounts),
    updateRuns: perSize(updateCounts),
    repeats: Number(env["BENCH_REPEATS"] ?? 3),
    latencyMs: Number(env["BENCH_LATENCY_MS"] ?? 25),
    ...(parallel ? { parallel } : {}),
    profile: true,
    log,
  });
  writeReport(results, outDir);
  appendFileSync(join(outDir, "bench.md"), `\n${renderVerifyRuntimes(await measureVerifyRuntimes({ log }))}`);
  for (const target of evaluateTargets(results)) {
    log(
      `${target.met ? "met    " : "NOT met"}  ${target.target}: ${target.measured.toFixed(2)} ${target.unit} (${target.where})`,
    );
  }
  log(`done in ${(results.wallSeconds / 60).toFixed(1)} min; report in ${outDir}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
