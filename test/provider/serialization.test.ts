/**
 * The provider exactly as Pulumi stores it: the `__provider` input a `Webhook` registers
 * (captured with the SDK's own mocks), loaded in a fresh Node process the way the engine's
 * dynamic-provider host loads it, and run against the emulator. The text must stay small (it is
 * stored twice per resource) and must hold no key, secret, environment value or machine path.
 */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import type * as Pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Package from "../../provider/index";
import { startEmulator, type Emulator } from "../../emulator";
import { REPO_ROOT } from "../support/engine";

const run = promisify(execFile);
const requireFromRepo = createRequire(join(REPO_ROOT, "package.json"));

const CANARY_KEY = "standard_canary-api-key-that-must-not-be-serialized";
const NODE = join(REPO_ROOT, "node_modules", ".bin", "node");

let emulator: Emulator;
let text: string;

beforeAll(async () => {
  emulator = await startEmulator({ projects: [{ id: "serialized", keys: [{ key: CANARY_KEY }] }] });
  // Values the provider must read at run time, never capture.
  process.env.APPWRITE_API_KEY = CANARY_KEY;
  process.env.APPWRITE_ENDPOINT = emulator.endpoint;
  const pulumi = requireFromRepo("@pulumi/pulumi") as typeof Pulumi;
  const registered = new Promise<string>((resolve) => {
    void pulumi.runtime.setMocks({
      newResource: (args) => {
        resolve(String(args.inputs["__provider"]));
        return { id: "mocked", state: args.inputs };
      },
      call: () => ({}),
    });
  });
  // The compiled package, as a consumer loads it, on the same SDK instance as the mocks.
  const { Webhook } = requireFromRepo("./dist/provider/index.js") as typeof Package;
  new Webhook("serialized", {
    name: "s",
    url: "https://hooks.example.com/x",
    events: ["users.*"],
    apiKey: CANARY_KEY,
    secret: "canary-user-secret-1234",
  });
  text = await registered;
});
afterAll(async () => {
  delete process.env.APPWRITE_API_KEY;
  delete process.env.APPWRITE_ENDPOINT;
  await emulator.close();
});

describe("the serialized provider (__provider)", () => {
  it("is at most 256 bytes (it is stored twice per resource)", () => {
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(256);
  });

  it("captures no key, environment value, module path or machine path", () => {
    expect(text).not.toContain(CANARY_KEY);
    expect(text).not.toContain("canary-user-secret-1234");
    expect(text).not.toContain(emulator.endpoint);
    expect(text).not.toContain(REPO_ROOT);
    expect(text).not.toMatch(/node_modules|undici|zod/);
    expect(text).toContain('require("module")');
  });

  it("runs check, create, read and delete in a fresh process", async () => {
    const script = `
      const requireFromString = require("require-from-string");
      const provider = requireFromString(process.env.PROVIDER_TEXT).handler();
      (async () => {
        await provider.configure({ config: { get: (key) => (key === "appwrite:projectId" ? "serialized" : undefined) } });
        const checked = await provider.check({}, { name: "s", url: "https://hooks.example.com/x", events: ["users.*"] });
        if (checked.failures.length) throw new Error(JSON.stringify(checked.failures));
        const created = await provider.create(checked.inputs);
        const refreshed = await provider.read(created.id, created.outs);
        await provider.delete(created.id, refreshed.props);
        const gone = await provider.read(created.id, created.outs);
        console.log(JSON.stringify({ id: created.id, secretLength: created.outs.secret.length,
          keptSecret: refreshed.props.secret === created.outs.secret, goneId: gone.id }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const { stdout } = await run(NODE, ["-e", script], {
      cwd: REPO_ROOT,
      env: { ...process.env, PROVIDER_TEXT: text, APPWRITE_PROJECT_ID: "" },
    });
    const result = JSON.parse(stdout.trim()) as {
      id: string;
      secretLength: number;
      keptSecret: boolean;
      goneId: string;
    };
    expect(result).toMatchObject({ secretLength: 128, keptSecret: true, goneId: "" });
    expect(result.id).toMatch(/^[0-9a-f]{20}$/);
    expect(emulator.counters()["POST /v1/webhooks"]).toBe(1);
    expect(emulator.counters()["DELETE /v1/webhooks/:id"]).toBe(1);
  });
});
