/**
 * The benchmark's Markdown report. It leads with the ratios (ours ÷ floor, same door, same mode,
 * same run), which hold across machines better than seconds do; then the targets, the peer's
 * figures as a reference, the machine, and the detail.
 */
import { floorPhase } from "./api-floor";
import { cellOf, type BenchResults, type SizeResult } from "./bench";
import { isSetDoor } from "./doors";
import { ENGINE_OPS } from "./harness";
import { PEER } from "./peer";
import {
  cpuSection,
  pluginStartSection,
  providerSection,
  requestsSection,
  rssSection,
  stateSection,
} from "./report-detail";
import { DOOR_LABEL, label, num, range, ratio, row, rule, s1, secs } from "./report-format";
import { setSection } from "./report-set";
import { evaluateTargets, targetSize, verdict } from "./targets";

export { evaluateTargets, verdict, type Target } from "./targets";

function ratiosSection(results: BenchResults): string[] {
  const big = targetSize(results);
  const lines = [
    `## Ratios at N = ${big.n}: ours ÷ its no-op floor (same door, same checkpoint mode, same run)`,
    "",
    row(["door, mode", ...ENGINE_OPS, "state per webhook, bytes (ours / floor)"]),
    rule(ENGINE_OPS.length + 2),
  ];
  for (const cell of big.cells) {
    lines.push(
      row([
        label(cell),
        ...ENGINE_OPS.map((op) => ratio(cell, op)),
        `${num(cell.state.ours.webhookBytes.median)} / ${num(cell.state.floor.webhookBytes.median)}`,
      ]),
    );
  }
  for (const crash of big.crash) {
    const skip = cellOf(big, crash.door, "skip");
    lines.push(
      "",
      `Crash recovery, ${DOOR_LABEL[crash.door]}: the \`up\` after a killed \`up\` without checkpoints took ${secs(crash.recoveryMs)} s` +
        (skip
          ? ` (${(crash.recoveryMs.median / skip.floor.up.ms.median).toFixed(2)}× the no-op floor's \`up\`)`
          : "") +
        `, with ${range(crash.orphans)} orphaned webhook(s).`,
    );
  }
  return lines;
}

function targetsSection(results: BenchResults): string[] {
  const targets = evaluateTargets(results);
  const met = targets.filter((t) => verdict(t) === "met").length;
  const notRun = targets.filter((t) => verdict(t) === "not run").length;
  return [
    "",
    "## Targets",
    "",
    `**${met} of ${targets.length - notRun} targets met**${notRun > 0 ? ` (${notRun} more not run: their door, mode or N was not selected)` : ""}. KB = 1024 bytes.`,
    "",
    row(["target", "measured", "limit", "met", "where"]),
    rule(5),
    ...targets.map((t) =>
      row([
        t.target,
        `${num(t.measured, t.unit.startsWith("×") ? 2 : 0)} ${t.unit}`,
        num(t.limit, t.unit.startsWith("×") ? 2 : 0),
        verdict(t) === "not run" ? "not run" : `**${verdict(t)}**`,
        t.where,
      ]),
    ),
    ...latencyBound(results),
  ];
}

/**
 * What the injected latency alone costs the commands that make one request per webhook, beside
 * the room a ratio target leaves above the floor: when the requests need more time than that
 * room, only overlapping them with the engine's own work can meet the target. The request floor,
 * measured in the same run, shows how much of that any dynamic provider gets.
 */
function latencyBound(results: BenchResults): string[] {
  const big = targetSize(results);
  const { latencyMs, parallel } = results.options;
  const requestsSeconds = (big.n * latencyMs) / parallel / 1000;
  const cell = cellOf(big, "dynamic", "skip");
  if (!cell) return [];
  const rows = (["up", "destroy"] as const).map((op) => {
    const floor = cell.floor[op].ms.median / 1000;
    const ours = cell.ours[op].ms.median / 1000;
    const oneFetch = big.requestFloor ? big.requestFloor[op].median / 1000 : undefined;
    return row([
      `\`${op}\` without checkpoints`,
      num(floor, 2),
      num(0.5 * floor, 2),
      num(requestsSeconds, 2),
      oneFetch === undefined ? "–" : `${num(oneFetch, 2)} (${num(oneFetch / floor, 2)}×)`,
      `${num(ours, 2)} (${num(ours / floor, 2)}×)`,
      oneFetch === undefined ? "–" : num(ours / oneFetch, 2),
    ]);
  });
  return [
    "",
    `Requests alone: ${big.n} requests × ${latencyMs} ms ÷ ${parallel} in flight = ${num(requestsSeconds, 2)} s, ` +
      "the least time one request per webhook takes at the engine's parallelism, whatever the provider does. " +
      "Where it exceeds the room a 1.5× target leaves above the floor, the target is met only if the engine " +
      "overlaps those requests with its own work. The request floor, in the same run, is the least a dynamic " +
      "provider can do: one bare request per create and per delete through undici, nothing else, nothing in " +
      "state beyond the webhook's fields (test/bench/programs/one-fetch). A target it misses too is out of " +
      "reach of any dynamic provider here; ours ÷ request floor is what our provider adds to its requests.",
    "",
    row([
      "command",
      "no-op floor s",
      "room under 1.5× s",
      "requests alone s",
      "request floor s (÷ no-op)",
      "ours s (÷ no-op)",
      "ours ÷ request floor",
    ]),
    rule(7),
    ...rows,
  ];
}

function peerSection(results: BenchResults): string[] {
  const big = targetSize(results);
  const columns = big.cells.map((cell) => ({ cell, title: label(cell) }));
  const largest = Math.max(
    ...big.cells.flatMap((cell) =>
      ENGINE_OPS.flatMap((op) => Object.values(cell.ours[op].peakRssMb).map((s) => s.max)),
    ),
  );
  const lines = [
    "",
    `## Reference: ${PEER.tool}`,
    "",
    `**${PEER.caveat}.** Source: ${PEER.source}. Conditions: ${PEER.conditions}. Our columns are this run, N = ${big.n}, seconds (API requests).`,
    "",
    row(["step", "peer s (requests)", ...columns.map((c) => c.title)]),
    rule(columns.length + 2),
  ];
  for (const peerRow of PEER.rows) {
    lines.push(
      row([
        peerRow.step,
        `${peerRow.seconds[0]}–${peerRow.seconds[1]} (${peerRow.requests})`,
        ...columns.map(
          ({ cell }) =>
            `${s1(cell.ours[peerRow.op].ms.median)} (${num(cell.ours[peerRow.op].requests.median)})`,
        ),
      ]),
    );
  }
  lines.push(
    row([
      "state for 500 webhooks",
      `${(PEER.stateBytesFor500 / 1000).toFixed(0)} KB`,
      ...columns.map(
        ({ cell }) => `${(((cell.state.ours.checkpointBytes.median / big.n) * 500) / 1000).toFixed(0)} KB`,
      ),
    ]),
    row([
      "peak RSS of the largest process",
      `~${PEER.peakRssMiB} MiB`,
      ...columns.map(
        ({ cell }) =>
          `${num(Math.max(...ENGINE_OPS.flatMap((op) => Object.values(cell.ours[op].peakRssMb).map((s) => s.max))))} MiB`,
      ),
    ]),
    "",
    `Largest process of ours in this run: ${num(largest)} MiB.`,
  );
  return lines;
}

function machineSection(results: BenchResults): string[] {
  const { machine } = results;
  return [
    "",
    "## Machine",
    "",
    row(["nproc", "memory", "CPU", "kernel", "node", "pulumi CLI", "@pulumi/pulumi", "load avg at start"]),
    rule(8),
    row([
      machine.nproc,
      `${machine.memoryGiB} GiB`,
      machine.cpuModel,
      machine.kernel,
      machine.node,
      machine.pulumiCli,
      machine.pulumiSdk,
      machine.loadAverageAtStart,
    ]),
  ];
}

function timeSection(results: BenchResults, chartFile: string): string[] {
  const lines = [
    "",
    "## Time (seconds)",
    "",
    `![time against N](${chartFile})`,
    "",
    "Floor: the same program with a no-op resource of the same door (no HTTP). API floor: node-appwrite doing the same calls at the same concurrency (create, get, update, delete; preview has none; a set's at its own concurrency; `edit` and `rotate` change 50 of N, which no phase matches: –).",
    "",
    row(["N", "door, mode", "operation", "ours", "floor", "ours ÷ floor", "API floor", "ours − floor − API"]),
    rule(8),
  ];
  for (const size of results.sizes) {
    for (const cell of size.cells) {
      for (const op of ENGINE_OPS) {
        if (cell.ours[op].ms.n === 0) continue;
        const phase = floorPhase(op);
        const apiOf = isSetDoor(cell.door) && size.setApi ? size.setApi : size.api;
        const api = phase ? apiOf[phase].ms.median : op === "preview" ? 0 : Number.NaN;
        lines.push(
          row([
            size.n,
            label(cell),
            op,
            secs(cell.ours[op].ms),
            secs(cell.floor[op].ms),
            ratio(cell, op),
            phase ? `${secs(apiOf[phase].ms)} (${phase})` : op === "preview" ? "0" : "–",
            s1(cell.ours[op].ms.median - cell.floor[op].ms.median - api),
          ]),
        );
      }
    }
  }
  return lines;
}

function crashSection(results: BenchResults): string[] {
  const rows = results.sizes.flatMap((size) => size.crash.map((crash) => ({ size, crash })));
  if (rows.length === 0) return [];
  return [
    "",
    "## Crash recovery without checkpoints",
    "",
    "An `up` of N with `PULUMI_SKIP_CHECKPOINTS=true` is killed (SIGKILL to every process of the command) once half of the creates reached the API; the next `up`, in the same mode, is timed until it converges. Orphans are webhooks on the server beyond N afterwards: what the killed run made and the next one did not find (the bench deletes them before going on).",
    "",
    row([
      "N",
      "door",
      "creates before the kill",
      "converging `up` s",
      "its requests",
      "resources in state",
      "orphans",
    ]),
    rule(7),
    ...rows.map(({ size, crash }) =>
      row([
        size.n,
        DOOR_LABEL[crash.door],
        crash.samples.map((s) => s.createsBeforeKill).join(", "),
        secs(crash.recoveryMs),
        range(crash.recoveryRequests),
        crash.samples.map((s) => s.resourcesInState).join(", "),
        range(crash.orphans),
      ]),
    ),
  ];
}

function extraSections(results: BenchResults): string[] {
  return Object.values(results.extra ?? {}).flatMap((section) => [
    "",
    `## ${section.title}`,
    "",
    ...section.markdown,
  ]);
}

export function renderMarkdown(results: BenchResults, chartFile = "bench.svg"): string {
  const { options } = results;
  const runsText = results.sizes.map((s: SizeResult) => `N=${s.n}: ${s.runs}`).join("; ");
  return [
    "# Benchmark: Appwrite webhooks on the real Pulumi engine",
    "",
    `Generated by \`npm run bench\` on ${results.startedAt}; the whole run took ${(results.wallSeconds / 60).toFixed(1)} min.`,
    `Emulator latency ${options.latencyMs} ms per API request; \`--parallel ${options.parallel}\` for every command and the same concurrency for the SDK. Doors: ${options.doors.join(", ")}; checkpoint modes: ${options.modes.join(", ")}. Runs per N (${runsText}), each measuring every door in every mode; preview and refresh run ${options.repeats}× per cycle. Figures are median (min–max) over all samples; a single figure means one sample. Absolute seconds move with the machine's load: read the ratios.`,
    "",
    ...ratiosSection(results),
    ...targetsSection(results),
    ...setSection(results),
    ...pluginStartSection(results),
    ...peerSection(results),
    ...machineSection(results),
    ...timeSection(results, chartFile),
    ...crashSection(results),
    ...requestsSection(results),
    ...stateSection(results),
    ...rssSection(results),
    ...providerSection(results),
    ...cpuSection(results),
    ...extraSections(results),
    "",
    "## Method",
    "",
    "- Real Pulumi engine (`scripts/setup-pulumi.sh`), file backend in a temporary directory, passphrase secrets, Automation API; times are the wall time of each Automation API call, which includes the CLI's follow-up `stack output` and `stack history` calls for ours and the floor alike.",
    "- Each cycle per stack and mode: `up` (create N), `preview` (no changes), `refresh`, `edit` (rename the first 50 webhooks, one field each), `rotate` (give the first 50 a `rotationTrigger`: a new signing key each), `update` (rename every webhook; left out where the run counts say so), `destroy`. Every `up` (create, edit, rotate, update) is `pulumi up --yes` with its preview, as users run it; preview, refresh and destroy go through the Automation API. Ours and its floor alternate which runs first; the crash recovery (per-resource doors), the request floor (`up` and `destroy` without checkpoints) and the API floors run after all cycles of a run.",
    "- A set door's program declares one `WebhookSet` holding the N webhooks as entries keyed `wh-<i>`, the same names, URLs and events as the per-resource programs; its floor declares one no-op dynamic resource holding the same entries (test/bench/programs/set, set-noop).",
    "- The engine's result is checked on every command (N created, N+1 unchanged, 50 or N updated, N+1 deleted; for a set, its one resource); a wrong count aborts the bench.",
    "- The native door's plugins are found by the engine on PATH (`pulumi-resource-appwrite-webhooks`, the package's bin; the floor's `pulumi-resource-benchnoop`, test/bench/plugins). The executable door runs the same program and floor, but its `pulumi-resource-appwrite-webhooks` is the linux-amd64 single executable, built by `npm run build:plugin -- linux-amd64` at the start of the run and installed with `pulumi plugin install --file` into the bench's PULUMI_HOME; no folder on its PATH holds one. When both plugin doors run, the two plugins are also started alone, in alternation, and timed to their gRPC port (test/bench/plugin-start.ts).",
    "- Processes are sampled from /proc every 25 ms and attributed to the command by working directory; CPU time and peak RSS are the last values read.",
    "- Everything (emulator, proxy, monitor, engine, program, provider) shares this machine's CPUs; the load average above shows other work that was running.",
    "",
  ].join("\n");
}
