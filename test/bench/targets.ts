/**
 * The acceptance targets (issue 13, the state target of issue 12 for the native door, the
 * single executable's cold start of issue 22, and the `WebhookSet` targets of issue 23), each
 * judged at N = 500 (or the largest N measured, which the target's text then names) on the
 * measured medians, request counts on the maximum since they must hold on every run, and reported
 * with its ratio to the limit. A target whose door, mode or N was not selected is "not run".
 */
import { cellOf, type BenchResults, type CellResult, type SizeResult } from "./bench";
import { doorSpec, SET_DOORS, type Door } from "./doors";
import type { EngineOp } from "./harness";
import { s1 } from "./report-format";
import type { Stat } from "./stats";

/** KB in the targets means KiB (1024 bytes), stated in the report. */
const KB = 1024;
export const TARGET_N = 500;

export interface Target {
  target: string;
  /** Measured value in `unit`; NaN when the row was not measured. */
  measured: number;
  limit: number;
  unit: string;
  /** measured / limit (undefined when the limit is 0). */
  ratio?: number;
  met: boolean;
  /** Where it was measured, e.g. "N=500, 2 runs", or why it was not. */
  where: string;
}

export type Verdict = "met" | "not met" | "not run";

/** "not run" when nothing was measured (a door, mode or N left out of this run), never "met". */
export const verdict = (target: Target): Verdict =>
  Number.isNaN(target.measured) ? "not run" : target.met ? "met" : "not met";

/** The largest of some request counts, or NaN when there are none (not -Infinity). */
const maxOf = (values: number[]): number => (values.length > 0 ? Math.max(...values) : Number.NaN);

/** The size the "500 webhooks" targets are judged at: 500, or the largest N measured. */
export function targetSize(results: BenchResults): SizeResult {
  const sizes = results.sizes;
  const result = sizes.find((s) => s.n === TARGET_N) ?? sizes[sizes.length - 1];
  if (!result) throw new Error("bench: no results");
  return result;
}

const ratioOf = (cell: CellResult, op: EngineOp) => cell.ours[op].ms.median / cell.floor[op].ms.median;

function timeTarget(
  size: SizeResult,
  mode: "checkpoints" | "skip",
  op: EngineOp,
  limit: number,
  label: string,
): Target {
  const cell = cellOf(size, "dynamic", mode);
  const modeText = mode === "skip" ? "without checkpoints" : "with checkpoints";
  const target = `${label} ${modeText} ≤ ${limit}× the no-op dynamic floor`;
  if (!cell)
    return {
      target,
      measured: Number.NaN,
      limit,
      unit: "× floor",
      met: false,
      where: `${mode} mode not run`,
    };
  const measured = ratioOf(cell, op);
  return {
    target,
    measured,
    limit,
    unit: "× floor",
    met: measured <= limit,
    where: `N=${size.n}, ${cell.ours[op].ms.n} samples`,
  };
}

export function evaluateTargets(results: BenchResults): Target[] {
  const big = targetSize(results);
  const targets: Target[] = [
    timeTarget(big, "skip", "up", 1.5, `\`up\` creating ${big.n}`),
    timeTarget(big, "skip", "destroy", 1.5, `\`destroy\` of ${big.n}`),
    timeTarget(big, "checkpoints", "destroy", 1.5, `\`destroy\` of ${big.n}`),
    timeTarget(big, "checkpoints", "up", 1.3, `\`up\` creating ${big.n}`),
    timeTarget(big, "checkpoints", "preview", 1.3, `no-change \`preview\` of ${big.n}`),
    timeTarget(big, "checkpoints", "refresh", 1.5, `\`refresh\` of ${big.n}`),
  ];
  const dynamicCells = results.sizes.flatMap((s) => s.cells.filter((c) => c.door === "dynamic"));
  const previewMax = maxOf(dynamicCells.map((c) => c.ours.preview.requests.max));
  targets.push({
    target: "no-change `preview` makes 0 API requests",
    measured: previewMax,
    limit: 0,
    unit: "requests (max over every run, N and mode)",
    met: previewMax === 0,
    where: dynamicCells.length > 0 ? `N=${results.sizes.map((s) => s.n).join(", ")}` : "dynamic door not run",
  });
  const refreshMax = maxOf(
    big.cells.filter((c) => c.door === "dynamic").map((c) => c.ours.refresh.requests.max),
  );
  targets.push({
    target: `\`refresh\` of ${big.n} makes ≤ 10 API requests`,
    measured: refreshMax,
    limit: 10,
    unit: "requests (max over runs and modes)",
    met: refreshMax <= 10,
    where: Number.isNaN(refreshMax) ? "dynamic door not run" : `N=${big.n}`,
  });
  const state = (cellOf(big, "dynamic", "checkpoints") ?? cellOf(big, "dynamic", "skip"))?.state;
  const perWebhook = state?.ours.resourceBytes.median ?? Number.NaN;
  const floorBytes = state?.floor.resourceBytes.median ?? Number.NaN;
  targets.push({
    target: "dynamic-door state per webhook ≤ the no-op dynamic floor's + 1 KB",
    measured: perWebhook,
    limit: floorBytes + KB,
    unit: "bytes",
    met: perWebhook <= floorBytes + KB,
    where: state
      ? `N=${big.n}, resource entry in the checkpoint (floor ${floorBytes.toFixed(0)} bytes)`
      : "dynamic door not run",
  });
  const native = cellOf(big, "native", "checkpoints") ?? cellOf(big, "native", "skip");
  const nativeBytes = native?.state.ours.resourceBytesExclUserStrings.median ?? Number.NaN;
  targets.push({
    target: "native-door state ≤ 2.5 KB per webhook, excluding the user's own strings",
    measured: nativeBytes,
    limit: 2.5 * KB,
    unit: "bytes",
    met: nativeBytes <= 2.5 * KB,
    where: native ? `N=${big.n}` : "native door not run",
  });
  // Cold start is judged on refresh and destroy, whose first provider call is the first request;
  // in up the first request also waits for the program and the engine's queue. Each door is its
  // own row: the dynamic door's process is Pulumi's dynamic-provider host, which loads the whole
  // Node SDK before it takes a call (the require profile measures that load), then ours. The
  // single executable (issue 22) has a target of its own, half the Node plugin's.
  targets.push(
    coldStartTarget(results, "dynamic", 300),
    coldStartTarget(results, "native", 300),
    coldStartTarget(results, "executable", 150),
  );
  const crash = big.crash.find((c) => c.door === "dynamic");
  targets.push({
    target: "a killed `up` without checkpoints leaves no orphan after the next `up`",
    measured: crash?.orphans.max ?? Number.NaN,
    limit: 0,
    unit: "webhooks beyond N (max over runs)",
    met: crash !== undefined && crash.orphans.max === 0,
    where: crash ? `N=${big.n}, ${crash.samples.length} runs` : "crash recovery not run",
  });
  for (const door of SET_DOORS) targets.push(...setTargets(results, door));
  for (const target of targets) if (target.limit > 0) target.ratio = target.measured / target.limit;
  return targets;
}

/** The N of issue 23's small-stack target: where a set must cost no more than a few resources. */
export const SMALL_N = 5;
export const SET_STATE_LIMIT = 600;

/**
 * Issue 23: a set against the dynamic `Webhook` in the same run (both with checkpoints, as users
 * run them), against its own floor plus the requests alone at its concurrency, its state per
 * entry, and its `up` at N = 5.
 */
function setTargets(results: BenchResults, door: Door): Target[] {
  const big = targetSize(results);
  const label = doorSpec(door).label;
  const set = cellOf(big, door, "checkpoints");
  const webhook = cellOf(big, "dynamic", "checkpoints");
  const notRun = !set ? `${door} door with checkpoints not run` : "dynamic door with checkpoints not run";
  const vsWebhook = (op: EngineOp, limit: number, text: string): Target => {
    const ran = set && webhook && set.ours[op].ms.n > 0 && webhook.ours[op].ms.n > 0;
    const measured = ran ? set.ours[op].ms.median / webhook.ours[op].ms.median : Number.NaN;
    return {
      target: `${label}: ${text} of ${big.n} with checkpoints ≤ ${limit}× the dynamic \`Webhook\`'s, same run`,
      measured,
      limit,
      unit: "× `Webhook`",
      met: measured <= limit,
      where: ran
        ? `N=${big.n}: set ${s1(set.ours[op].ms.median)} s, \`Webhook\` ${s1(webhook.ours[op].ms.median)} s (${set.ours[op].ms.n} / ${webhook.ours[op].ms.n} samples)`
        : notRun,
    };
  };
  const alone = big.setApi;
  const aloneMs: Record<"up" | "destroy", number> = {
    // A set's `up` creates every entry, then lists the project once for unmanaged webhooks.
    up: alone ? alone.create.ms.median + alone.list.ms.median : Number.NaN,
    destroy: alone ? alone.delete.ms.median : Number.NaN,
  };
  const vsFloor = (op: "up" | "destroy", text: string): Target => {
    const bound = set ? set.floor[op].ms.median + aloneMs[op] : Number.NaN;
    const measured = set ? set.ours[op].ms.median / bound : Number.NaN;
    return {
      target: `${label}: ${text} of ${big.n} with checkpoints ≤ 1.5× (no-op set floor + the requests alone at ${results.options.setConcurrency} in flight)`,
      measured,
      limit: 1.5,
      unit: "× (floor + requests)",
      met: measured <= 1.5,
      where:
        set && alone
          ? `N=${big.n}: set ${s1(set.ours[op].ms.median)} s; floor ${s1(set.floor[op].ms.median)} s + requests ${s1(aloneMs[op])} s = ${s1(bound)} s`
          : notRun,
    };
  };
  const stateBytes = set?.state.ours.webhookBytesExclUserStrings.median ?? Number.NaN;
  const small = results.sizes.find((size) => size.n === SMALL_N);
  const smallSet = small && cellOf(small, door, "checkpoints");
  const smallWebhook = small && cellOf(small, "dynamic", "checkpoints");
  const smallRatio =
    smallSet && smallWebhook ? smallSet.ours.up.ms.median / smallWebhook.ours.up.ms.median : Number.NaN;
  return [
    vsWebhook("up", 0.2, "`up` creating all"),
    vsWebhook("destroy", 0.2, "`destroy`"),
    vsWebhook("preview", 0.4, "no-change `preview`"),
    vsWebhook("refresh", 1, "`refresh`"),
    vsFloor("up", "`up` creating all"),
    vsFloor("destroy", "`destroy`"),
    {
      target: `${label}: state ≤ ${SET_STATE_LIMIT} B per entry, excluding the user's own strings (names, URLs, events, keys)`,
      measured: stateBytes,
      limit: SET_STATE_LIMIT,
      unit: "bytes",
      met: stateBytes <= SET_STATE_LIMIT,
      where: set
        ? `N=${big.n}: the set's checkpoint entry ${(set.state.ours.webhookBytes.median * big.n).toFixed(0)} B, ${set.state.ours.webhookBytes.median.toFixed(0)} B per entry with the user's strings`
        : notRun,
    },
    {
      target: `${label}: \`up\` of ${SMALL_N} with checkpoints ≤ 1.2× the dynamic \`Webhook\`'s, same run`,
      measured: smallRatio,
      limit: 1.2,
      unit: "× `Webhook`",
      met: smallRatio <= 1.2,
      where:
        smallSet && smallWebhook
          ? `N=${SMALL_N}: set ${s1(smallSet.ours.up.ms.median)} s, \`Webhook\` ${s1(smallWebhook.ours.up.ms.median)} s`
          : `N=${SMALL_N} not run with both doors`,
    },
  ];
}

const COLD_START_SUBJECT: Record<"dynamic" | "native" | "executable", string> = {
  dynamic: "dynamic door",
  native: "native door (Node plugin)",
  executable: "native door, single executable",
};

/** The median cold starts of a door's refresh and destroy, per N (ms, provider launch → first request). */
export function coldStarts(results: BenchResults, door: Door): { n: number; op: EngineOp; cold: Stat }[] {
  return results.sizes.flatMap((s) => {
    const cell = cellOf(s, door, "checkpoints") ?? cellOf(s, door, "skip");
    return (["refresh", "destroy"] as const).flatMap((op) => {
      // The plugins have no launcher script: the engine starts them directly.
      const cold = door === "dynamic" ? cell?.ours[op].coldStartMs : cell?.ours[op].providerToFirstRequestMs;
      return cold ? [{ n: s.n, op, cold }] : [];
    });
  });
}

function coldStartTarget(
  results: BenchResults,
  door: keyof typeof COLD_START_SUBJECT,
  limit: number,
): Target {
  const worst = coldStarts(results, door).reduce<ReturnType<typeof coldStarts>[number] | undefined>(
    (w, item) => (!w || item.cold.median > w.cold.median ? item : w),
    undefined,
  );
  const sdk = results.requireProfile?.pulumiSdkMs.median;
  const sdkNote =
    door === "dynamic" && sdk !== undefined ? `; Pulumi's SDK alone loads in ${sdk.toFixed(0)} ms` : "";
  return {
    target: `${COLD_START_SUBJECT[door]}: provider cold start ≤ ${limit} ms (plugin launch → first request; worst median of refresh and destroy)`,
    measured: worst?.cold.median ?? Number.NaN,
    limit,
    unit: "ms",
    met: worst !== undefined && worst.cold.median <= limit,
    where: worst
      ? `${worst.op}, N=${worst.n}, ${worst.cold.n} samples${sdkNote}`
      : `${door} door not run, or no request made`,
  };
}
