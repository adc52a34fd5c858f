/**
 * The benchmark harness, run small (N = 10, one run, the dynamic door with per-step checkpoints)
 * so it cannot rot: our program, the no-op floor, the SDK floor and the report all run, and the
 * request counts, which are exact, are asserted. Timings are not: they belong to `npm run bench`.
 * Nothing here writes a file in the work tree.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cellOf, runBench, type BenchResults, type CellResult, type SizeResult } from "./bench";
import { nativePluginDir } from "./doors";
import type { ENGINE_OPS } from "./harness";
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
