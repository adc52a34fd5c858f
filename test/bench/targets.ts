/**
 * Issue #7's targets, each judged on the measured medians (request counts on the maximum, since
 * they must hold on every run) and reported with its ratio to the limit.
 */
import type { BenchResults, SizeResult } from "./bench";
import type { EngineOp } from "./harness";
import type { Stat } from "./stats";

/** KB in the targets means KiB (1024 bytes), stated in the report. */
const KB = 1024;
const TARGET_N = 500;

export interface Target {
  target: string;
  /** Measured value in `unit`. */
  measured: number;
  limit: number;
  unit: string;
  /** measured / limit (undefined when the limit is 0). */
  ratio?: number;
  met: boolean;
  /** Where it was measured, e.g. "N=500, median of 3". */
  where: string;
}

/** The size the "500 webhooks" targets are judged at: 500, or the largest N measured. */
function targetSize(results: BenchResults): SizeResult {
  const sizes = results.sizes;
  const exact = sizes.find((s) => s.n === TARGET_N);
  const result = exact ?? sizes[sizes.length - 1];
  if (!result) throw new Error("bench: no results");
  return result;
}

/**
 * Cold start is judged on the commands whose first provider call is the first request: refresh
 * and destroy. In up and update the first request also waits for the program to run and for the
 * engine's check and diff of the first resource, which at N=500 is mostly the engine's queue.
 */
const COLD_START_OPS: EngineOp[] = ["refresh", "destroy"];

export function evaluateTargets(results: BenchResults): Target[] {
  const big = targetSize(results);
  const at = (s: SizeResult, stat?: Stat) =>
    `N=${s.n}${stat ? `, ${stat.n} run${stat.n === 1 ? "" : "s"}` : ""}`;
  const upFloor = big.floor.up.ms.median + big.api.create.ms.median;
  const previewMax = Math.max(...results.sizes.map((s) => s.ours.preview.requests.max));
  const coldStarts = results.sizes.flatMap((s) =>
    COLD_START_OPS.flatMap((op) => {
      const cold = s.ours[op].coldStartMs;
      return cold ? [{ n: s.n, op, cold }] : [];
    }),
  );
  const worstCold = coldStarts.reduce<(typeof coldStarts)[number] | undefined>(
    (worst, item) => (!worst || item.cold.median > worst.cold.median ? item : worst),
    undefined,
  );
  const targets: Target[] = [
    {
      target: "`__provider` ≤ 2.5 KB per resource (one copy)",
      measured: big.state.ours.providerBytes.median,
      limit: 2.5 * KB,
      unit: "bytes",
      met: big.state.ours.providerBytes.median <= 2.5 * KB,
      where: at(big),
    },
    {
      target: "state ≤ 5 KB per webhook, excluding the user's own strings",
      measured: big.state.ours.resourceBytesExclUserStrings.median,
      limit: 5 * KB,
      unit: "bytes",
      met: big.state.ours.resourceBytesExclUserStrings.median <= 5 * KB,
      where: at(big),
    },
    {
      target: "`preview` with no changes makes 0 API requests",
      measured: previewMax,
      limit: 0,
      unit: "requests (max over every run and N)",
      met: previewMax === 0,
      where: `N=${results.sizes.map((s) => s.n).join(", ")}`,
    },
    {
      target: `\`refresh\` of ${TARGET_N} webhooks makes ≤ 10 API requests`,
      measured: big.ours.refresh.requests.max,
      limit: 10,
      unit: "requests (max over runs)",
      met: big.ours.refresh.requests.max <= 10,
      where: at(big, big.ours.refresh.requests),
    },
    {
      target: `\`refresh\` of ${TARGET_N} webhooks takes ≤ 1.2× the engine floor of a refresh`,
      measured: big.ours.refresh.ms.median / big.floor.refresh.ms.median,
      limit: 1.2,
      unit: "× engine floor",
      met: big.ours.refresh.ms.median <= 1.2 * big.floor.refresh.ms.median,
      where: at(big, big.ours.refresh.ms),
    },
    {
      target: `\`up\` creating ${TARGET_N} webhooks takes ≤ 1.15× (engine floor + API floor)`,
      measured: big.ours.up.ms.median / upFloor,
      limit: 1.15,
      unit: "× (engine + API floor)",
      met: big.ours.up.ms.median <= 1.15 * upFloor,
      where: at(big, big.ours.up.ms),
    },
    {
      target:
        "provider cold start ≤ 300 ms (plugin launch → first request; worst median of refresh and destroy)",
      measured: worstCold?.cold.median ?? Number.NaN,
      limit: 300,
      unit: "ms",
      met: worstCold !== undefined && worstCold.cold.median <= 300,
      where: worstCold ? `${worstCold.op}, N=${worstCold.n}, ${worstCold.cold.n} runs` : "no request made",
    },
  ];
  for (const target of targets) if (target.limit > 0) target.ratio = target.measured / target.limit;
  return targets;
}
