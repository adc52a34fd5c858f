/**
 * `npm run bench`: the benchmark of issues #7, #13 and #22, written to test/bench/results/ as
 * JSON, Markdown and SVG.
 *
 * The defaults fit about 20 minutes on a quiet 2-core machine: N = 500, one run, measuring the
 * three doors (each beside its no-op floor) in both checkpoint modes, and the crash recovery of
 * each door. The executable door first builds the linux-amd64 single executable
 * (`npm run build:plugin -- linux-amd64`, about 20 s) and installs it into the bench's own
 * PULUMI_HOME. Each of the programs × modes at N = 500 takes one to three minutes, so a second run
 * or N = 100 doubles the time (BENCH_SIZES=100,500 BENCH_RUNS=2,2 gives min–max ranges). With
 * per-step checkpoints the file backend rewrites the whole checkpoint after every step, so the
 * update of all 500 is by far the costliest command: it runs once, without checkpoints only.
 *
 * Options (environment):
 *   BENCH_DOORS=dynamic,native,executable,set  BENCH_MODES=checkpoints,skip   (select for development;
 *     a selected door that cannot run fails the bench with the reason; `set` is the dynamic
 *     `WebhookSet` beside a no-op set floor, see ./doors)
 *   BENCH_SIZES=500  BENCH_RUNS=1  BENCH_CRASH_SIZES=500 (or "none")
 *   BENCH_UPDATE_RUNS=2,1 (without checkpoints)  BENCH_CHECKPOINT_UPDATE_RUNS=2,0
 *   BENCH_REPEATS=2  BENCH_LATENCY_MS=25  BENCH_PARALLEL=<n> (default: the engine's own, 4 × CPUs)
 *   BENCH_EDITS=50 (webhooks each cycle's update and rotation change; 0 leaves both out)
 *   BENCH_OUT=<dir> (default test/bench/results)
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "../support/engine";
import { runBench, type BenchResults } from "./bench";
import { DOORS, MODES, selection } from "./doors";
import { evaluateTargets, renderMarkdown, verdict } from "./report";
import { renderSvg } from "./svg";
import { measureVerifyRuntimes, verifyRuntimesSection } from "./verify-runtimes";

function numbers(value: string | undefined, fallback: number[], min = 1): number[] {
  if (!value) return fallback;
  if (value === "none") return [];
  const parsed = value.split(",").map((part) => Number(part.trim()));
  if (parsed.some((n) => !Number.isInteger(n) || n < min))
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
  const sizes = numbers(env["BENCH_SIZES"], [500]);
  const perSize = (counts: number[]) =>
    Object.fromEntries(sizes.map((n, i) => [n, counts[i] ?? counts[counts.length - 1] ?? 1]));
  const runs = perSize(
    numbers(
      env["BENCH_RUNS"],
      sizes.map(() => 1),
    ),
  );
  const skipUpdates = numbers(
    env["BENCH_UPDATE_RUNS"],
    sizes.map((n) => (n >= 500 ? 1 : 2)),
    0,
  );
  const checkpointUpdates = numbers(
    env["BENCH_CHECKPOINT_UPDATE_RUNS"],
    sizes.map((n) => (n >= 500 ? 0 : 2)),
    0,
  );
  const parallel = env["BENCH_PARALLEL"] ? Number(env["BENCH_PARALLEL"]) : undefined;
  const outDir = resolve(REPO_ROOT, env["BENCH_OUT"] ?? join("test", "bench", "results"));
  const log = (line: string) => console.error(`bench: ${line}`);
  const results = await runBench({
    sizes,
    doors: selection(env["BENCH_DOORS"], DOORS, "BENCH_DOORS"),
    modes: selection(env["BENCH_MODES"], MODES, "BENCH_MODES"),
    runs,
    updateRuns: { skip: perSize(skipUpdates), checkpoints: perSize(checkpointUpdates) },
    crashSizes: numbers(
      env["BENCH_CRASH_SIZES"],
      sizes.filter((n) => n === Math.max(...sizes)),
    ),
    repeats: Number(env["BENCH_REPEATS"] ?? 2),
    ...(env["BENCH_EDITS"] ? { edits: Number(env["BENCH_EDITS"]) } : {}),
    latencyMs: Number(env["BENCH_LATENCY_MS"] ?? 25),
    ...(parallel ? { parallel } : {}),
    profile: true,
    log,
  });
  // Further measurements attach here, to `results.extra`, before the report is written; the
  // report renders each as a section and keeps its data in bench.json.
  results.extra = {
    ...results.extra,
    verifyRuntimes: verifyRuntimesSection(await measureVerifyRuntimes({ log })),
  };
  writeReport(results, outDir);
  for (const target of evaluateTargets(results)) {
    const judged = verdict(target);
    log(
      judged === "not run"
        ? `not run  ${target.target} (${target.where})`
        : `${judged === "met" ? "met    " : "NOT met"}  ${target.target}: ${target.measured.toFixed(2)} ${target.unit} (${target.where})`,
    );
  }
  log(`done in ${(results.wallSeconds / 60).toFixed(1)} min; report in ${outDir}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
