/**
 * The benchmark harness, run small (N = 10, one cycle) so it cannot rot: the whole pipeline
 * (our program, the no-op floor, the SDK floor, the report) runs, and the request counts, which
 * are exact, are asserted. Timings are not: they belong to `npm run bench`.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runBench, type BenchResults, type SizeResult } from "./bench";
import type { ENGINE_OPS } from "./harness";
import { evaluateTargets, renderMarkdown } from "./report";
import { renderSvg } from "./svg";

const N = 10;

describe(`benchmark smoke run (N = ${N}, one cycle)`, () => {
  let results: BenchResults;
  let size: SizeResult;

  beforeAll(async () => {
    results = await runBench({ sizes: [N], runs: { [N]: 1 }, repeats: 1, latencyMs: 25 });
    size = results.sizes[0] as SizeResult;
  });

  const routes = (op: (typeof ENGINE_OPS)[number]) =>
    Object.fromEntries(
      Object.entries(size.samples.ours.find((sample) => sample.op === op)?.requests ?? {}).filter(
        ([, count]) => count > 0,
      ),
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
    for (const sample of size.samples.ours) {
      expect(sample.connections.opened, sample.op).toBeLessThanOrEqual(results.options.parallel);
    }
  });

  it("the floors ran: no request from the no-op program, N calls per SDK phase", () => {
    for (const sample of size.samples.floor) expect(sample.requests["total"], sample.op).toBe(0);
    for (const sample of size.samples.api) {
      expect(sample.requests, sample.phase).toBe(sample.phase === "list" ? 1 : N);
    }
  });

  it("state and the provider process were measured", () => {
    expect(size.state.ours.providerCopies.median).toBe(2);
    expect(size.state.ours.providerBytes.median).toBeGreaterThan(500);
    const refresh = size.ours.refresh;
    expect(refresh.coldStartMs?.median).toBeGreaterThan(0);
    expect(refresh.providerPeakRssMb?.median).toBeGreaterThan(10);
  });

  it("the report renders with every target judged", () => {
    const markdown = renderMarkdown(results);
    const targets = evaluateTargets(results);
    expect(targets).toHaveLength(7);
    for (const target of targets) expect(markdown).toContain(target.target);
    expect(renderSvg(results)).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  });
});
