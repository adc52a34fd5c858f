/**
 * The benchmark harness, run small (N = 5, one run, the dynamic `Webhook` and `WebhookSet` doors
 * with per-step checkpoints) so it cannot rot: our programs, the no-op floors (per resource and
 * set), the SDK floors (at the engine's parallelism and at the set's concurrency) and the report
 * all run, and the request counts, which are exact, are asserted. Timings are not: they belong to
 * `npm run bench`. N = 5 is the set's small-N target, so that part of the report renders too.
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
import { NATIVE_PLUGIN, installExecutable, nativePluginDir, programEnv, type Door } from "./doors";
import type { CommandSample, ENGINE_OPS } from "./harness";
import { measurePluginStart } from "./plugin-start";
import { evaluateTargets, renderMarkdown, verdict } from "./report";
import { renderSvg } from "./svg";

const N = 5;
/** Fewer than N, so an update or a rotation of some entries is told apart from one of all. */
const EDITS = 3;

describe(`benchmark smoke run (N = ${N}, one run, dynamic Webhook and WebhookSet, checkpoints)`, () => {
  let results: BenchResults;
  let size: SizeResult;
  let cell: CellResult;
  let set: CellResult;

  beforeAll(async () => {
    results = await runBench({
      sizes: [N],
      doors: ["dynamic", "set"],
      modes: ["checkpoints"],
      runs: { [N]: 1 },
      repeats: 1,
      latencyMs: 25,
      edits: EDITS,
    });
    size = results.sizes[0] as SizeResult;
    cell = cellOf(size, "dynamic", "checkpoints") as CellResult;
    set = cellOf(size, "set", "checkpoints") as CellResult;
  });

  const routes = (op: (typeof ENGINE_OPS)[number], door: Door = "dynamic") =>
    Object.fromEntries(
      Object.entries(
        size.samples.commands.find(
          (sample) => sample.door === door && sample.side === "ours" && sample.op === op,
        )?.requests ?? {},
      ).filter(([, count]) => count > 0),
    );

  it("preview with no changes makes no API request", () => {
    expect(routes("preview")).toEqual({});
  });

  it("refresh is batched: one list call for all the webhooks, no GET per webhook", () => {
    expect(routes("refresh")).toEqual({ "GET /v1/webhooks": 1, total: 1 });
  });

  it("up, update and destroy make exactly one call per webhook, with the preview of each up", () => {
    expect(routes("up")).toEqual({ "POST /v1/webhooks": N, total: N });
    expect(routes("edit")).toEqual({ "PUT /v1/webhooks/:id": EDITS, total: EDITS });
    expect(routes("rotate")).toEqual({ "PATCH /v1/webhooks/:id/secret": EDITS, total: EDITS });
    expect(routes("update")).toEqual({ "PUT /v1/webhooks/:id": N, total: N });
    expect(routes("destroy")).toEqual({ "DELETE /v1/webhooks/:id": N, total: N });
  });

  it("the set: one request per changed entry, one list after its writes, none in a no-change preview", () => {
    const list = { "GET /v1/webhooks": 1 };
    expect(routes("up", "set")).toEqual({ "POST /v1/webhooks": N, ...list, total: N + 1 });
    expect(routes("preview", "set")).toEqual({});
    expect(routes("refresh", "set")).toEqual({ ...list, total: 1 });
    expect(routes("edit", "set")).toEqual({ "PUT /v1/webhooks/:id": EDITS, ...list, total: EDITS + 1 });
    expect(routes("rotate", "set")).toEqual({
      "PATCH /v1/webhooks/:id/secret": EDITS,
      ...list,
      total: EDITS + 1,
    });
    expect(routes("update", "set")).toEqual({ "PUT /v1/webhooks/:id": N, ...list, total: N + 1 });
    expect(routes("destroy", "set")).toEqual({ "DELETE /v1/webhooks/:id": N, total: N });
  });

  it("the set's floor ran beside it, and the requests alone at the set's concurrency", () => {
    expect(results.options.setConcurrency).toBe(10);
    for (const sample of size.samples.setApi ?? []) {
      expect(sample.requests, sample.phase).toBe(sample.phase === "list" ? 1 : N);
    }
    expect(size.setApi?.create.ms.median).toBeGreaterThan(0);
    expect(set.floor.up.ms.n).toBe(1);
    expect(set.floor.rotate.ms.n).toBe(1);
  });

  it("the set's state is one resource; the user's own strings are counted out of it per entry", () => {
    const state = set.state.ours;
    expect(state.providerCopies.median).toBe(2);
    expect(state.webhookBytes.median).toBeCloseTo(state.resourceBytes.median / N, 6);
    // Each entry's name, URL and events are in its checked inputs and in the outputs' record of
    // it, and its key in at least those two maps and webhookIds: a lower bound of what is counted out.
    const declared = (i: number) =>
      `bench ${i} g0`.length +
      `https://hooks.example.com/bench/${i}`.length +
      "users.*.createusers.*.delete".length;
    const lower =
      (2 * [...Array(N).keys()].reduce((sum, i) => sum + declared(i), 0) + 3 * N * "wh-0".length) / N;
    expect(state.webhookBytes.median - state.webhookBytesExclUserStrings.median).toBeGreaterThanOrEqual(
      lower,
    );
    // The per-resource door counts the same strings out: its two ways of counting agree.
    expect(cell.state.ours.webhookBytesExclUserStrings.median).toBeCloseTo(
      cell.state.ours.resourceBytesExclUserStrings.median,
      -1,
    );
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

  it("the floors ran: no request from the no-op programs, N calls per SDK phase", () => {
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
    const targets = evaluateTargets(results);
    for (const target of targets) expect(markdown).toContain(target.target);
    expect(markdown).toMatch(/another tool, measured in other sessions, not in this run/);
    expect(markdown).toMatch(/native door not run/);
    expect(markdown).not.toMatch(/Infinity|NaN/);
    expect(renderSvg(results)).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
    // The doors left out are not run, never met; every set target is judged at N = 5.
    const byText = (pattern: RegExp) => targets.filter((t) => pattern.test(t.target));
    const leftOut = byText(/native|single executable|killed/);
    expect(leftOut.length).toBeGreaterThanOrEqual(4);
    for (const target of leftOut) expect(verdict(target), target.target).toBe("not run");
    const setTargets = byText(/WebhookSet/);
    expect(setTargets).toHaveLength(8);
    for (const target of setTargets) expect(verdict(target), target.target).not.toBe("not run");
    expect(markdown).toContain("## dynamic `WebhookSet`: all 5 webhooks as one resource");
    expect(markdown).toMatch(/\| update of 3 \(one field each\), with its preview \| – \| /);
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
