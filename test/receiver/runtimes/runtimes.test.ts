/**
 * The Web entry in Node 24, Bun, Deno and workerd (Miniflare): the same bundle of the OpenSSL
 * vectors (test/receiver/signature-vectors.ts) passes in each. A runtime that cannot start fails its
 * test with the runtime's own error; none is skipped.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../support/engine";
import { vectors, verifyCases, type VectorReport } from "../signature-vectors";
import { bundleForWorkers, fetchInRuntime, NO_NODE_BUILTINS, RUNTIMES, runtimeVersion } from "./runtimes";

const EXPECTED_CHECKS = vectors.length * 3 + verifyCases.length;
let bundle: { path: string; text: string };

beforeAll(async () => {
  bundle = await bundleForWorkers("test/receiver/runtimes/vectors-worker.ts", "vectors-worker.mjs");
});

describe.each(RUNTIMES)("%s", (runtime) => {
  it("passes every OpenSSL vector and case with the Web entry", async () => {
    const version = await runtimeVersion(runtime);
    if (runtime === "node") expect(version).toMatch(/^v24\./);
    const report = JSON.parse(await fetchInRuntime(runtime, bundle.path, bundle.text)) as VectorReport;
    expect({ runtime, version, failures: report.failures }).toEqual({ runtime, version, failures: [] });
    expect(report.passed).toBe(EXPECTED_CHECKS);
    // 13+ cases: the rotation window, an ArrayBuffer body, an emoji body, a %XX URL among them.
    expect(verifyCases.length).toBeGreaterThanOrEqual(13);
    const names = verifyCases.map((c) => c.name).join("\n");
    for (const kind of [/rotation/, /ArrayBuffer/, /emoji/, /%[0-9A-F]{2}/]) expect(names).toMatch(kind);
  });
});

describe("the Web entry bundles for a Worker without Node", () => {
  it.each(["receiver/src/web-crypto.ts", "receiver/src/adapters/fetch.ts", "receiver/src/adapters/hono.ts"])(
    "%s: platform neutral, no polyfills, no node: import, no Buffer",
    async (entry) => {
      const { text } = await bundleForWorkers(entry, entry.replace(/\W+/g, "-") + ".mjs");
      expect(text).not.toMatch(/\bnode:|\bBuffer\b|\brequire\(/);
      expect(text).toContain("crypto.subtle");
    },
  );

  it("the same bundling refuses a module that imports node:crypto (the guard works)", async () => {
    const build_ = build({
      entryPoints: [join(REPO_ROOT, "receiver/src/node/node-crypto.ts")],
      bundle: true,
      format: "esm",
      platform: "neutral",
      write: false,
      logLevel: "silent",
      plugins: [NO_NODE_BUILTINS],
    });
    await expect(build_).rejects.toThrow(/Node built-in "node:crypto"/);
  });

  it("the source of the shared rules and the Web entry names no node: module", () => {
    for (const file of [
      "receiver/src/rules/signature-rules.ts",
      "receiver/src/rules/signature-types.ts",
      "receiver/src/rules/receiver-rules.ts",
      "receiver/src/web-crypto.ts",
    ]) {
      expect(readFileSync(join(REPO_ROOT, file), "utf8"), file).not.toMatch(/from "node:|\bBuffer\.\w/);
    }
  });
});
