/**
 * What a provider process loads before its first request, which is its cold start. The provider
 * loads two of undici's modules by path instead of its index (provider/appwrite/http-transport.ts), and
 * zod only on its first check (provider/lifecycle/check.ts); the plugin also starts without the SDK's
 * runtime. The undici modules must be the very ones its index exports, and fresh processes of
 * both doors must not load what they do not need until a check needs it.
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/engine";

const run = promisify(execFile);
const requireFromRepo = createRequire(join(REPO_ROOT, "package.json"));
const NODE = join(REPO_ROOT, "node_modules", ".bin", "node");

describe("the provider's HTTP transport and lazy schema", () => {
  it("uses undici's own Agent and request, as its index exports them", () => {
    const undici = requireFromRepo("undici") as { Agent: new () => { request: unknown } };
    expect(requireFromRepo("undici/lib/dispatcher/agent")).toBe(undici.Agent);
    // The index puts the request API on every dispatcher's prototype.
    expect(requireFromRepo("undici/lib/api/api-request")).toBe(new undici.Agent().request);
  });

  it("a fresh provider process loads neither undici's index nor zod until its first check", async () => {
    const script = `
      const loaded = (pattern) => Object.keys(require.cache).some((path) => pattern.test(path));
      const runtime = require("./dist/provider/dynamic/stored-provider-module.js");
      const before = { index: loaded(/undici[\\\\/]index\\.js$/), zod: loaded(/node_modules[\\\\/]zod[\\\\/]/) };
      runtime.check({}, { name: "n", url: "https://hooks.example.com/x", events: ["users.*"] }).then(() => {
        console.log(JSON.stringify({ before, zodAfterCheck: loaded(/node_modules[\\\\/]zod[\\\\/]/) }));
      });`;
    const { stdout } = await run(NODE, ["-e", script], { cwd: REPO_ROOT });
    expect(JSON.parse(stdout)).toEqual({ before: { index: false, zod: false }, zodAfterCheck: true });
  });

  it("the plugin's server loads neither zod, undici's index nor the SDK's runtime", async () => {
    const script = `
      require("./dist/provider/plugin/grpc-server.js");
      const loaded = (pattern) => Object.keys(require.cache).some((path) => pattern.test(path));
      console.log(JSON.stringify({
        zod: loaded(/node_modules[\\/]zod[\\/]/),
        undiciIndex: loaded(/undici[\\/]index\.js$/),
        sdkRuntime: loaded(/@pulumi[\\/]pulumi[\\/]runtime[\\/]/),
      }));`;
    const { stdout } = await run(NODE, ["-e", script], { cwd: REPO_ROOT });
    expect(JSON.parse(stdout)).toEqual({ zod: false, undiciIndex: false, sdkRuntime: false });
  });
});
