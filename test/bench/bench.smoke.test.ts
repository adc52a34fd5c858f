/**
 * The benchmark harness, run small (N = 10, one run, the dynamic door with per-step checkpoints)
 * so it cannot rot: our program, the no-op floor, the SDK floor and the report all run, and the
 * request counts, which are exact, are asserted. Timings are not: they belong to `npm run bench`.
 * Nothing here writes a file in the work tree.
 *
 * The executable door is not run here: its single executable takes a ~20 s build and its cycles at
 * N = 10 about 45 s more, and test/e2e/plugin-install.e2e.test.ts already runs that executable,
 * installed the same way, on the real engine. What the bench adds around it (the refusal on a
 * machine that cannot run it, the environment that leaves the Node plugin out, the check of which
 * file the engine ran, the alternating start probe) is checked below without a build.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { provisionEngine } from "../support/engine";
import {
  cellOf,
  expectProvider,
  runBench,
  type BenchResults,
  type CellResult,
  type SizeResult,
} from "./bench";
import { NATIVE_PLUGIN, installExecutable, nativePluginDir, programEnv } from "./doors";
import type { CommandSample, ENGINE_OPS } from "./harness";
import { measurePluginStart } from "./plugin-start";
import { evaluateTargets, renderMarkdown } from "./report";
import { renderSvg } from "./svg";

const N = 10;

describe(`benchmark smoke run (N = ${N}, one run, dynamic door, checkpoints)`, () => {
  let results: BenchResults;
  let size: SizeResult;
  let cell: CellResult;

  beforeAll(async () => {
    results = await runBench({
      sizes: [N],
      doors: ["dynamic"],
      modes: ["checkpoints"],
      runs: { [N]: 1 },
      repeats: 1,
      latencyMs: 25,
    });
    size = results.sizes[0] as SizeResult;
    cell = cellOf(size, "dynamic", "checkpoints") as CellResult;
  });

  const routes = (op: (typeof ENGINE_OPS)[number]) =>
    Object.fromEntries(
      Object.entries(
        size.samples.commands.find((sample) => sample.side === "ours" && sample.op === op)?.requests ?? {},
      ).filter(([, count]) => count > 0),
    );

  it("preview with no changes makes no API request", () => {
    expect(routes("preview")).toEqual({});
  });

  it("refresh is batched: one list call for all the webhooks, no GET per webhook", () => {
    expect(routes("refresh")).toEqual({ "GET /v1/webhooks": 1, total: 1 });
  });

  it("up, update and destroy make exactly one call per webhook", () => {
    expect(routes("up")).toEqual({ "POST /v1/webhooks": N, total: N });
    expect(routes("update")).toEqual({ "PUT /v1/webhooks/:id": N, total: N });
    expect(routes("destroy")).toEqual({ "DELETE /v1/webhooks/:id": N, total: N });
  });

  it("keep-alive: a command opens no more connections than it has requests in flight", () => {
    for (const sample of size.samples.commands.filter((s) => s.side === "ours")) {
      expect(sample.connections.opened, sample.op).toBeLessThanOrEqual(results.options.parallel);
    }
  });

  it("the request floor ran: one bare POST per create and one DELETE per delete", () => {
    const requests = Object.fromEntries(
      size.samples.requestFloor.map((sample) => [sample.op, sample.requests]),
    );
    expect(requests["up"]).toMatchObject({ "POST /v1/webhooks": N, total: N });
    expect(requests["destroy"]).toMatchObject({ "DELETE /v1/webhooks/:id": N, total: N });
    expect(size.requestFloor?.destroy.median).toBeGreaterThan(0);
  });

  it("the floors ran: no request from the no-op program, N calls per SDK phase", () => {
    for (const sample of size.samples.commands.filter((s) => s.side === "floor")) {
      expect(sample.requests["total"], sample.op).toBe(0);
    }
    for (const sample of size.samples.api) {
      expect(sample.requests, sample.phase).toBe(sample.phase === "list" ? 1 : N);
    }
  });

  it("state, the provider process and each process's peak RSS were measured", () => {
    expect(cell.state.ours.providerCopies.median).toBe(2);
    expect(cell.state.ours.providerBytes.median).toBeGreaterThan(100);
    expect(cell.state.ours.providerBytes.median).toBeLessThanOrEqual(256);
    expect(cell.ours.refresh.coldStartMs?.median).toBeGreaterThan(0);
    for (const role of ["engine", "language-host", "program", "provider"]) {
      expect(cell.ours.up.peakRssMb[role]?.median, role).toBeGreaterThan(10);
    }
  });

  it("the report renders with every target judged, the peer's figures as a reference", () => {
    const markdown = renderMarkdown(results);
    for (const target of evaluateTargets(results)) expect(markdown).toContain(target.target);
    expect(markdown).toMatch(/another tool, measured once, not in this run/);
    expect(markdown).toMatch(/native door not run/);
    expect(renderSvg(results)).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  });
});

it("a selected native door without its plugin fails the bench, naming the flag that leaves it out", () => {
  const root = mkdtempSync(join(tmpdir(), "bench-doors-"));
  try {
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, "package.json"), JSON.stringify({ name: "x", bin: { other: "./x.js" } }));
    expect(() => nativePluginDir(root)).toThrow(
      /pulumi-resource-appwrite-webhooks[\s\S]*BENCH_DOORS=dynamic/,
    );
    writeFileSync(
      join(root, "package.json"),
      JSON.stringify({ name: "x", bin: { "pulumi-resource-appwrite-webhooks": "./dist/missing.js" } }),
    );
    expect(() => nativePluginDir(root)).toThrow(/does not exist[\s\S]*BENCH_DOORS=dynamic/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

describe("the executable door, without building it", () => {
  it("refuses a machine that cannot run the linux-amd64 executable, naming the flag that leaves it out", async () => {
    await expect(
      installExecutable("unused", undefined, { platform: "darwin", arch: "arm64" }),
    ).rejects.toThrow(/linux-amd64[\s\S]*darwin-arm64[\s\S]*BENCH_DOORS=dynamic,native/);
  });

  it("gives its stacks the install's PULUMI_HOME and a PATH where no folder holds the Node plugin", async () => {
    const bin = await provisionEngine();
    const floorDir = mkdtempSync(join(tmpdir(), "bench-floor-"));
    try {
      const installed = { pulumiHome: "/installed-home", executable: "/installed", floorDir };
      const env = programEnv("executable", bin, { executable: installed });
      expect(env["PULUMI_HOME"]).toBe("/installed-home");
      const path = (env["PATH"] ?? "").split(":");
      expect(path[0]).toBe(floorDir);
      expect(path).toContain(bin);
      expect(path.filter((dir) => existsSync(join(dir, NATIVE_PLUGIN)))).toEqual([]);
      // Control: the native door's PATH does hold the Node plugin, which is why it is left out.
      const native = programEnv("native", bin, { pluginDir: floorDir });
      expect((native["PATH"] ?? "").split(":").some((dir) => existsSync(join(dir, NATIVE_PLUGIN)))).toBe(
        true,
      );
    } finally {
      rmSync(floorDir, { recursive: true, force: true });
    }
  });

  it("the start probe times a real plugin to its port, and fails on one that exits without a port", async () => {
    const bin = await provisionEngine();
    const pluginDir = nativePluginDir();
    const path = programEnv("native", bin, { pluginDir })["PATH"] ?? "";
    const plugin = join(pluginDir, NATIVE_PLUGIN);
    // The Node plugin on both sides: what is checked is the probe, not the executable.
    const probe = await measurePluginStart({ node: plugin, executable: plugin, path }, 1);
    expect(probe.nodeMs.n).toBe(1);
    expect(probe.executableMs.median).toBeGreaterThan(0);
    await expect(measurePluginStart({ node: "/bin/false", executable: plugin, path }, 1)).rejects.toThrow(
      /exited \(1\) before printing its port/,
    );
  });

  it("aborts when the engine ran another plugin than the installed executable, or none", () => {
    const installed = "/home/plugins/resource-appwrite-webhooks-v0.1.0/pulumi-resource-appwrite-webhooks";
    const sample = (providerCommand?: string) =>
      ({ op: "refresh", ...(providerCommand ? { providerCommand } : {}) }) as CommandSample;
    expect(() => expectProvider([sample(`${installed} 127.0.0.1:4000`), sample()], installed)).not.toThrow();
    expect(() =>
      expectProvider(
        [sample(`${installed} 127.0.0.1:4000`), sample(`node /bin/${NATIVE_PLUGIN} 127.0.0.1:4001`)],
        installed,
      ),
    ).toThrow(/should be .*pulumi-resource-appwrite-webhooks, the engine ran node /);
    expect(() => expectProvider([sample()], installed)).toThrow(/the engine ran none/);
  });
});
