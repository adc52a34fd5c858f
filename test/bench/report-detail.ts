/** The report's detail sections: requests, state, peak RSS, the provider process, CPU. */
import { CONNECTIONS_PER_ORIGIN } from "../../provider/appwrite/http-transport";
import { API_PHASES } from "./api-floor";
import type { BenchResults, CellResult } from "./bench";
import { ENGINE_OPS } from "./harness";
import { MODE_LABEL, label, num, range, row, rule, s1, secs } from "./report-format";

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
