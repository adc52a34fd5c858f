/**
 * The report's detail sections: requests, state, peak RSS, the provider process, CPU, and the
 * plugin door's Node plugin beside its single executable.
 */
import { CONNECTIONS_PER_ORIGIN } from "../../provider/appwrite/http-transport";
import { API_PHASES } from "./api-floor";
import { isSetDoor } from "./doors";
import type { BenchResults, CellResult } from "./bench";
import { ENGINE_OPS } from "./harness";
import { MODE_LABEL, label, num, range, row, rule, s1, secs } from "./report-format";
import { statOf, type Stat } from "./stats";

export function requestsSection(results: BenchResults): string[] {
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

export function stateSection(results: BenchResults): string[] {
  const lines = [
    "",
    "## State size per resource (bytes, from the checkpoint after `up`)",
    "",
    "A dynamic resource stores `__provider` in its inputs and its outputs; a native one stores none. A set is one resource for N webhooks: its columns per resource are the whole set, and the last two columns divide by N.",
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
      "per webhook (all entries ÷ N)",
      "per webhook excl. user strings",
    ]),
    rule(12),
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
            // Of a set, only the per-webhook column counts its user strings out (they are nested).
            isSetDoor(cell.door) ? "–" : num(state.resourceBytesExclUserStrings.median),
            num(state.stackTraceBytes.median),
            num(state.secretBytes.median),
            num(state.checkpointBytesPerResource.median),
            num(state.webhookBytes.median),
            num(state.webhookBytesExclUserStrings.median),
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

export function rssSection(results: BenchResults): string[] {
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

export function providerSection(results: BenchResults): string[] {
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
      row([
        "require `dist/provider/dynamic/stored-provider-module.js` (all of ours)",
        range(profile.runtimeMs, 1),
      ]),
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

export function cpuSection(results: BenchResults): string[] {
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

const PLUGINS = ["native", "executable"] as const;
/** The operations whose first provider call is the first request, as the cold-start targets judge. */
const COLD_OPS = ["refresh", "destroy"] as const;

/** Every cold start of a plugin door's own provider in refresh and destroy, over all N and modes. */
function pooledColdStart(results: BenchResults, door: (typeof PLUGINS)[number]): Stat | undefined {
  return statOf(
    results.sizes.flatMap((size) =>
      size.samples.commands
        .filter((s) => s.door === door && s.side === "ours" && (COLD_OPS as readonly string[]).includes(s.op))
        .map((s) => s.providerToFirstRequestMs),
    ),
  );
}

const coldRatio = (node: Stat | undefined, executable: Stat | undefined) =>
  node && executable ? num(executable.median / node.median, 2) : "–";

function pluginStartLine(results: BenchResults): string[] {
  const probe = results.pluginStart;
  if (!probe) return [];
  return [
    "",
    `The plugin alone, without the engine (launch → its gRPC port on stdout, ${probe.samples} of each in alternation, so both see the same load): Node plugin ${range(probe.nodeMs)} ms, single executable ${range(probe.executableMs)} ms; executable ÷ Node ${coldRatio(probe.nodeMs, probe.executableMs)}.`,
  ];
}

/**
 * Issue 22: the plugin as users install it (the single executable) beside the plugin as this
 * repository runs it (the Node script), in the same run, on the same program.
 */
export function pluginStartSection(results: BenchResults): string[] {
  const ran = results.sizes.some((size) =>
    size.cells.some((c) => (PLUGINS as readonly string[]).includes(c.door)),
  );
  if (!ran) return [];
  const node = pooledColdStart(results, "native");
  const executable = pooledColdStart(results, "executable");
  const lines = [
    "",
    "## Plugin door: the Node plugin beside the single executable",
    "",
    "Both run the same program (`NativeWebhook`), in the same run. The Node plugin is the package's bin, a Node script the engine finds on PATH; the single executable is what `npm run build:plugin -- linux-amd64` packs from this tree, installed with `pulumi plugin install resource appwrite-webhooks v<version> --file <tarball>` into the bench's own PULUMI_HOME, with no plugin on PATH (the bench checks that the engine ran the installed file). Cold start: the plugin process starting (kernel start time, /proc) → the first API request the emulator received; the engine starts either plugin directly, with no launcher.",
    "",
    `Cold start over every refresh and destroy (all N and modes): Node plugin ${range(node)} ms, single executable ${range(executable)} ms; executable ÷ Node ${coldRatio(node, executable)} (medians).`,
    ...pluginStartLine(results),
    "",
    row([
      "N",
      "mode",
      "operation",
      "Node plugin ms",
      "single executable ms",
      "executable ÷ Node",
      "provider peak RSS MiB (Node / executable)",
    ]),
    rule(7),
  ];
  const stateRows: string[] = [];
  for (const size of results.sizes) {
    for (const mode of results.options.modes) {
      const [nodeCell, exeCell] = PLUGINS.map((door) =>
        size.cells.find((c) => c.door === door && c.mode === mode),
      );
      if (!nodeCell && !exeCell) continue;
      for (const op of ["up", ...COLD_OPS] as const) {
        const nodeCold = nodeCell?.ours[op].providerToFirstRequestMs;
        const exeCold = exeCell?.ours[op].providerToFirstRequestMs;
        lines.push(
          row([
            size.n,
            MODE_LABEL[mode],
            op,
            range(nodeCold),
            range(exeCold),
            coldRatio(nodeCold, exeCold),
            `${range(nodeCell?.ours[op].providerPeakRssMb)} / ${range(exeCell?.ours[op].providerPeakRssMb)}`,
          ]),
        );
      }
      const bytes = (
        cell: CellResult | undefined,
        key: "resourceBytes" | "resourceBytesExclUserStrings" | "checkpointBytesPerResource",
      ) => (cell ? num(cell.state.ours[key].median) : "–");
      stateRows.push(
        row([
          size.n,
          MODE_LABEL[mode],
          `${bytes(nodeCell, "resourceBytes")} / ${bytes(exeCell, "resourceBytes")}`,
          `${bytes(nodeCell, "resourceBytesExclUserStrings")} / ${bytes(exeCell, "resourceBytesExclUserStrings")}`,
          `${bytes(nodeCell, "checkpointBytesPerResource")} / ${bytes(exeCell, "checkpointBytesPerResource")}`,
        ]),
      );
    }
  }
  lines.push(
    "",
    "State per webhook, bytes, from the checkpoint after `up` (Node plugin / single executable; the same lifecycle writes both, so they should be equal):",
    "",
    row(["N", "mode", "resource entry", "excl. user strings", "checkpoint file ÷ N"]),
    rule(5),
    ...stateRows,
  );
  return lines;
}
