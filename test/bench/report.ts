/**
 * The benchmark's Markdown report. It leads with the ratios (ours ÷ floor, same door, same mode,
 * same run), which hold across machines better than seconds do; then the targets, the peer's
 * figures as a reference, the machine, and the detail.
 */
import { CONNECTIONS_PER_ORIGIN } from "../../provider/client";
import { API_PHASES, floorPhase } from "./api-floor";
import { cellOf, type BenchResults, type CellResult, type SizeResult } from "./bench";
import type { Door, Mode } from "./doors";
import { ENGINE_OPS } from "./harness";
import { PEER } from "./peer";
import type { Stat } from "./stats";
import { evaluateTargets, targetSize } from "./targets";

export { evaluateTargets, type Target } from "./targets";

const s1 = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : "–");
const secs = (stat: Stat) =>
  stat.n > 1 ? `${s1(stat.median)} (${s1(stat.min)}–${s1(stat.max)})` : `${s1(stat.median)}`;
const num = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const range = (stat: Stat | undefined, digits = 0) =>
  !stat
    ? "–"
    : stat.n > 1
      ? `${num(stat.median, digits)} (${num(stat.min, digits)}–${num(stat.max, digits)})`
      : num(stat.median, digits);
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
const rule = (count: number) => row(Array(count).fill("---"));

const DOOR_LABEL: Record<Door, string> = {
  dynamic: "dynamic `Webhook`",
  native: "native `NativeWebhook` (plugin)",
};
const MODE_LABEL: Record<Mode, string> = {
  checkpoints: "checkpoints (default)",
  skip: "`PULUMI_SKIP_CHECKPOINTS=true`",
};
const label = (cell: CellResult) => `${DOOR_LABEL[cell.door]}, ${MODE_LABEL[cell.mode]}`;
const ratio = (cell: CellResult, op: (typeof ENGINE_OPS)[number]) =>
  cell.ours[op].ms.n === 0 ? "–" : (cell.ours[op].ms.median / cell.floor[op].ms.median).toFixed(2);

function ratiosSection(results: BenchResults): string[] {
  const big = targetSize(results);
  const lines = [
    `## Ratios at N = ${big.n}: ours ÷ its no-op floor (same door, same checkpoint mode, same run)`,
    "",
    row(["door, mode", ...ENGINE_OPS, "state per resource, bytes (ours / floor)"]),
    rule(ENGINE_OPS.length + 2),
  ];
  for (const cell of big.cells) {
    lines.push(
      row([
        label(cell),
        ...ENGINE_OPS.map((op) => ratio(cell, op)),
        `${num(cell.state.ours.resourceBytes.median)} / ${num(cell.state.floor.resourceBytes.median)}`,
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
  const met = targets.filter((t) => t.met).length;
  return [
    "",
    "## Targets",
    "",
    `**${met} of ${targets.length} targets met.** KB = 1024 bytes.`,
    "",
    row(["target", "measured", "limit", "met", "where"]),
    rule(5),
    ...targets.map((t) =>
      row([
        t.target,
        `${num(t.measured, t.unit.startsWith("×") ? 2 : 0)} ${t.unit}`,
        num(t.limit, t.unit.startsWith("×") ? 2 : 0),
        t.met ? "**met**" : "**not met**",
        t.where,
      ]),
    ),
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
    "Floor: the same program with a no-op resource of the same door (no HTTP). API floor: node-appwrite doing the same calls at the same concurrency (create, get, update, delete; preview has none).",
    "",
    row(["N", "door, mode", "operation", "ours", "floor", "ours ÷ floor", "API floor", "ours − floor − API"]),
    rule(8),
  ];
  for (const size of results.sizes) {
    for (const cell of size.cells) {
      for (const op of ENGINE_OPS) {
        if (cell.ours[op].ms.n === 0) continue;
        const phase = floorPhase(op);
        const api = phase ? size.api[phase].ms.median : 0;
        lines.push(
          row([
            size.n,
            label(cell),
            op,
            secs(cell.ours[op].ms),
            secs(cell.floor[op].ms),
            ratio(cell, op),
            phase ? `${secs(size.api[phase].ms)} (${phase})` : "0",
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

function requestsSection(results: BenchResults): string[] {
  const lines = [
    "",
    "## API requests and connections per command (ours)",
    "",
    `Connections are TCP connections opened to the API (counted by a pass-through in front of the emulator); the client's keep-alive pool allows ${CONNECTIONS_PER_ORIGIN} per origin.`,
    "",
    row(["N", "door, mode", "operation", "requests", "by route", "connections opened", "most open at once"]),
    rule(7),
  ];
  for (const size of results.sizes) {
    for (const cell of size.cells) {
      for (const op of ENGINE_OPS) {
        const summary = cell.ours[op];
        if (summary.ms.n === 0) continue;
        const routes = Object.entries(summary.requestsByRoute)
          .filter(([, stat]) => stat.max > 0)
          .map(([route, stat]) => `${route}: ${range(stat)}`)
          .join("; ");
        lines.push(
          row([
            size.n,
            label(cell),
            op,
            range(summary.requests),
            routes || "–",
            range(summary.connectionsOpened),
            range(summary.peakConnections),
          ]),
        );
      }
    }
  }
  lines.push(
    "",
    "API floor (node-appwrite SDK):",
    "",
    row(["N", ...API_PHASES.map((p) => `${p} s (requests)`)]),
    rule(API_PHASES.length + 1),
    ...results.sizes.map((size) =>
      row([
        size.n,
        ...API_PHASES.map((p) => `${secs(size.api[p].ms)} (${num(size.api[p].requests.median)})`),
      ]),
    ),
  );
  return lines;
}

function stateSection(results: BenchResults): string[] {
  const lines = [
    "",
    "## State size per resource (bytes, from the checkpoint after `up`)",
    "",
    "A dynamic resource stores `__provider` in its inputs and its outputs; a native one stores none.",
    "",
    row([
      "N",
      "door, mode",
      "program",
      "`__provider` (one copy)",
      "copies",
      "resource entry",
      "excl. user strings",
      "stack trace / source positions",
      "secret envelopes",
      "checkpoint file ÷ N",
    ]),
    rule(10),
  ];
  for (const size of results.sizes) {
    for (const cell of size.cells) {
      for (const [side, state] of [
        ["ours", cell.state.ours],
        ["floor", cell.state.floor],
      ] as const) {
        lines.push(
          row([
            size.n,
            label(cell),
            side,
            num(state.providerBytes.median),
            num(state.providerCopies.median),
            num(state.resourceBytes.median),
            num(state.resourceBytesExclUserStrings.median),
            num(state.stackTraceBytes.median),
            num(state.secretBytes.median),
            num(state.checkpointBytesPerResource.median),
          ]),
        );
      }
    }
  }
  return lines;
}

const RSS_ROLES = [
  ["engine", "engine (`pulumi` CLI)"],
  ["language-host", "language host"],
  ["program", "program (Node)"],
  ["provider", "provider"],
] as const;

function rssSection(results: BenchResults): string[] {
  const lines = [
    "",
    "## Peak RSS per process (MiB, VmHWM, the largest over the cycle's commands; ours / floor)",
    "",
    row(["N", "door, mode", ...RSS_ROLES.map(([, title]) => title)]),
    rule(RSS_ROLES.length + 2),
  ];
  const peak = (cell: CellResult, side: "ours" | "floor", role: string) =>
    num(Math.max(0, ...ENGINE_OPS.map((op) => cell[side][op].peakRssMb[role]?.max ?? 0)));
  for (const size of results.sizes) {
    for (const cell of size.cells) {
      lines.push(
        row([
          size.n,
          label(cell),
          ...RSS_ROLES.map(([role]) => `${peak(cell, "ours", role)} / ${peak(cell, "floor", role)}`),
        ]),
      );
    }
  }
  return lines;
}

function providerSection(results: BenchResults): string[] {
  const lines = [
    "",
    "## Provider process (dynamic door)",
    "",
    "Cold start: the launcher script `pulumi-resource-pulumi-nodejs` starting (kernel start time, /proc) → the first API request the emulator received. It splits into the launcher's own cost (a shell plus a `node -e` that resolves the provider's path) and the provider process (Node start, `@pulumi/pulumi`, gRPC handshake, `configure`, loading our runtime, the first call).",
    "",
    row(["N", "mode", "operation", "cold start ms", "launcher ms", "provider start → first request ms"]),
    rule(6),
  ];
  for (const size of results.sizes) {
    for (const cell of size.cells.filter((c) => c.door === "dynamic")) {
      for (const op of ["up", "refresh", "destroy"] as const) {
        const summary = cell.ours[op];
        lines.push(
          row([
            size.n,
            MODE_LABEL[cell.mode],
            op,
            range(summary.coldStartMs),
            range(summary.launcherMs),
            range(summary.providerToFirstRequestMs),
          ]),
        );
      }
    }
  }
  const profile = results.requireProfile;
  if (profile) {
    lines.push(
      "",
      `### Runtime load (fresh Node processes, ${profile.runs} runs, ms)`,
      "",
      row(["what", "ms"]),
      rule(2),
      row(["require `dist/provider/runtime.js` (all of ours)", range(profile.runtimeMs, 1)]),
      ...Object.entries(profile.packagesMs)
        .sort(([, a], [, b]) => b.median - a.median)
        .map(([name, stat]) => row([`… of which \`${name}\``, range(stat, 1)])),
      row(["… of which our own modules", range(profile.ownCodeMs, 1)]),
      row([
        "require `@pulumi/pulumi` (the provider host loads it before our code)",
        range(profile.pulumiSdkMs, 1),
      ]),
      row(["bare `node -e 0` (the launcher's extra Node start)", range(profile.nodeStartMs, 1)]),
    );
  }
  return lines;
}

function cpuSection(results: BenchResults): string[] {
  const roles = [
    ["engine", "engine (`pulumi` CLI)"],
    ["program", "program (Node)"],
    ["provider", "provider"],
    ["other", "follow-up CLI calls"],
    ["harness", "emulator, proxy, monitor"],
  ] as const;
  const lines = [
    "",
    "## CPU by process (seconds, median; ours / floor)",
    "",
    row(["N", "door, mode", "operation", ...roles.map(([, title]) => title)]),
    rule(roles.length + 3),
  ];
  for (const size of results.sizes) {
    for (const cell of size.cells) {
      for (const op of ENGINE_OPS) {
        if (cell.ours[op].ms.n === 0) continue;
        const cpu = (side: "ours" | "floor", role: string) => s1(cell[side][op].cpuMs[role]?.median ?? 0);
        lines.push(
          row([
            size.n,
            label(cell),
            op,
            ...roles.map(([role]) => `${cpu("ours", role)} / ${cpu("floor", role)}`),
          ]),
        );
      }
    }
  }
  return lines;
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
    "- Each cycle per stack and mode: `up` (create N), `preview` (no changes), `refresh`, `up` after renaming every webhook (update N; left out where the run counts say so), `destroy`. Ours and its floor alternate which runs first; the crash recovery and the API floor run after all cycles of a run.",
    "- The engine's result is checked on every command (N created, N+1 unchanged, N updated, N+1 deleted); a wrong count aborts the bench.",
    "- The native door's plugins are found by the engine on PATH (`pulumi-resource-appwrite-webhooks`, the package's bin; the floor's `pulumi-resource-benchnoop`, test/bench/plugins).",
    "- Processes are sampled from /proc every 25 ms and attributed to the command by working directory; CPU time and peak RSS are the last values read.",
    "- Everything (emulator, proxy, monitor, engine, program, provider) shares this machine's CPUs; the load average above shows other work that was running.",
    "",
  ].join("\n");
}
