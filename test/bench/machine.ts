/**
 * What the numbers were measured on, and where the provider process's start-up time goes:
 * the require time of our runtime (and its biggest dependencies), of the Pulumi SDK the
 * dynamic-provider host loads, and of a bare Node start, each in fresh processes.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../support/engine";
import { stat, type Stat } from "./stats";

export interface Machine {
  nproc: number;
  memoryGiB: number;
  cpuModel: string;
  kernel: string;
  node: string;
  pulumiCli: string;
  pulumiSdk: string;
  /** 1-minute load average when the bench started: other work on the machine shows here. */
  loadAverageAtStart: number;
}

export function describeMachine(engineBin: string): Machine {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? "unknown";
  const pulumiCli = execFileSync(join(engineBin, "pulumi"), ["version"], {
    env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
    encoding: "utf8",
  }).trim();
  const sdk = JSON.parse(
    readFileSync(join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
  ) as { version: string };
  return {
    nproc: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    cpuModel: model.trim(),
    kernel: release(),
    node: process.version,
    pulumiCli,
    pulumiSdk: sdk.version,
    loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

/**
 * Runs in a fresh Node process: times require() of our runtime and, inside it, the first load of
 * each bare package (inclusive of what that package loads). Prints JSON.
 */
const PROFILE_SCRIPT = `
const Module = require("module");
const load = Module._load;
const packages = {};
Module._load = function (request, parent, isMain) {
  const bare = !request.startsWith(".") && !request.startsWith("/") && !request.startsWith("node:");
  const name = bare ? request.split("/").slice(0, request.startsWith("@") ? 2 : 1).join("/") : undefined;
  const from = (parent && parent.filename) || "";
  const first = name !== undefined && !(name in packages) && !from.includes("node_modules");
  const started = process.hrtime.bigint();
  try {
    return load.apply(this, arguments);
  } finally {
    if (first) packages[name] = Number(process.hrtime.bigint() - started) / 1e6;
  }
};
const started = process.hrtime.bigint();
require(process.argv[1]);
const totalMs = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(JSON.stringify({ totalMs, packages }));
`;

export interface RequireProfile {
  /** require("dist/provider/dynamic/stored-provider-module.js") in a fresh process. */
  runtimeMs: Stat;
  /** Inclusive first-load time of each package the runtime imports directly. */
  packagesMs: Record<string, Stat>;
  /** The runtime minus those packages: our own modules (and the event catalog JSON). */
  ownCodeMs: Stat;
  /** require("@pulumi/pulumi"), which the dynamic-provider host loads before anything of ours. */
  pulumiSdkMs: Stat;
  /** A bare `node -e 0`, start to exit: what the launcher script's extra `node -e` costs. */
  nodeStartMs: Stat;
  runs: number;
}

function nodeJson(args: string[]): { totalMs: number; packages: Record<string, number> } {
  const result = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`bench: profiling failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { totalMs: number; packages: Record<string, number> };
}

export function profileRequire(runs = 7): RequireProfile {
  const runtimePath = join(REPO_ROOT, "dist", "provider", "dynamic", "stored-provider-module.js");
  const totals: number[] = [];
  const own: number[] = [];
  const packages: Record<string, number[]> = {};
  const sdk: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    const profile = nodeJson(["-e", PROFILE_SCRIPT, runtimePath]);
    totals.push(profile.totalMs);
    let inPackages = 0;
    for (const [name, ms] of Object.entries(profile.packages)) {
      (packages[name] ??= []).push(ms);
      inPackages += ms;
    }
    own.push(profile.totalMs - inPackages);
    sdk.push(nodeJson(["-e", PROFILE_SCRIPT, "@pulumi/pulumi"]).totalMs);
    const started = performance.now();
    spawnSync(process.execPath, ["-e", "0"]);
    bare.push(performance.now() - started);
  }
  return {
    runtimeMs: stat(totals),
    packagesMs: Object.fromEntries(Object.entries(packages).map(([name, values]) => [name, stat(values)])),
    ownCodeMs: stat(own),
    pulumiSdkMs: stat(sdk),
    nodeStartMs: stat(bare),
    runs,
  };
}
