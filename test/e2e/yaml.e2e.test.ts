/**
 * The plugin from Pulumi YAML on the real engine (examples/yaml, the program docs/any-language.md shows),
 * against the emulator: every acceptance point of the plugin in one story on one stack, then
 * `pulumi import` of a webhook made outside Pulumi, and provider configuration through stack
 * config and through an explicit provider resource in another project.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { backendText, openStack, provisionEngine, upWithPreview, type StackFixture } from "../support/engine";
import { outputs, quiet } from "./fixture";
import { createOutsidePulumi, requestsDuring } from "../support/outside-pulumi";

const PROJECT = "yaml-a";
const OTHER_PROJECT = "yaml-b";
const API_KEY = "standard_yaml-a-key-5d1c0e9b";
const OTHER_API_KEY = "standard_yaml-b-key-7a2f4c61";

let emulator: Emulator;
let bin: string;
const fixtures: StackFixture[] = [];

beforeAll(async () => {
  bin = await provisionEngine();
  emulator = await startEmulator({
    projects: [
      { id: PROJECT, keys: [{ key: API_KEY }] },
      { id: OTHER_PROJECT, keys: [{ key: OTHER_API_KEY }] },
    ],
  });
});
afterAll(async () => {
  for (const fixture of fixtures) await fixture.dispose();
  await emulator?.close();
});

/** A stack of a YAML program whose default provider is configured by `appwrite-webhooks:*` stack config. */
async function yamlStack(program: string, stackName: string, config: Record<string, string> = {}) {
  const fixture = await openStack({
    program,
    stackName,
    config: {
      "appwrite-webhooks:endpoint": emulator.endpoint,
      "appwrite-webhooks:projectId": PROJECT,
      ...config,
    },
    secretConfig: { "appwrite-webhooks:apiKey": API_KEY },
  });
  fixtures.push(fixture);
  return fixture;
}

const live = (projectId = PROJECT) => emulator.webhooks(projectId);
const EVENTS = ["databases.*.collections.*.documents.*.create", "users.*.create"];

/** The webhook's outputs as the checkpoint holds them (exportStack decrypts: test-only). */
async function stateOf(fixture: StackFixture, name: string): Promise<Record<string, unknown>> {
  const deployment = (await fixture.stack.exportStack()).deployment as {
    resources: Array<{ urn: string; outputs?: Record<string, unknown> }>;
  };
  const outputs = deployment.resources.find((r) => r.urn.endsWith(`::${name}`))?.outputs;
  if (!outputs) throw new Error(`no state for ${name}`);
  return outputs;
}
const plain = (value: unknown): unknown =>
  typeof value === "object" && value !== null && "plaintext" in value
    ? JSON.parse(String((value as { plaintext: string }).plaintext))
    : value;

describe("examples/yaml on the real engine, through the plugin", () => {
  let fixture: StackFixture;
  let firstKey: string;

  it("create: the key is a secret output equal to Appwrite's, and no plain-text copy is stored", async () => {
    fixture = await yamlStack("examples/yaml", "story");
    let up: Awaited<ReturnType<typeof upWithPreview>> | undefined;
    const methods = await requestsDuring(emulator, async () => (up = await upWithPreview(fixture.stack)));
    // The stack and the webhook (the default provider is not counted); one POST, preview included.
    expect(up?.summary.resourceChanges).toEqual({ create: 2 });
    expect(methods).toEqual(["POST"]);
    const [webhook] = live();
    expect(webhook).toMatchObject({
      name: "Orders",
      url: "https://hooks.example.com/appwrite",
      events: EVENTS,
    });
    const out = await outputs(fixture.stack);
    expect(out.webhookId).toEqual({ value: webhook?.$id, secret: false });
    expect(out.signingKey).toEqual({ value: webhook?.secret, secret: true });
    expect(out.secretSource?.value).toBe("appwrite");
    firstKey = String(webhook?.secret);
    const stored = backendText(fixture);
    expect(stored).toContain("ciphertext");
    expect(stored.includes(firstKey), "signing key in plain text").toBe(false);
    expect(stored.includes(API_KEY), "API key in plain text").toBe(false);
  });

  it("a no-change preview makes 0 API requests", async () => {
    emulator.resetCounters();
    const preview = await fixture.stack.preview(quiet);
    expect(preview.changeSummary).toEqual({ same: 2 });
    expect(emulator.counters().total ?? 0).toBe(0);
  });

  it("an in-place update sends exactly one PUT", async () => {
    await fixture.stack.setConfig("hookName", { value: "Orders v2" });
    const methods = await requestsDuring(emulator, async () => {
      const up = await upWithPreview(fixture.stack);
      expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    });
    expect(methods).toEqual(["PUT"]);
    expect(live()[0]).toMatchObject({ name: "Orders v2", secret: firstKey });
  });

  it("a rotation sends one PATCH and keeps the old key in previousSecret", async () => {
    await fixture.stack.setConfig("rotation", { value: "2" });
    const methods = await requestsDuring(emulator, () => upWithPreview(fixture.stack));
    expect(methods).toEqual(["PATCH"]);
    const out = await outputs(fixture.stack);
    const key = live()[0]?.secret;
    expect(key).not.toBe(firstKey);
    expect(out.signingKey).toEqual({ value: key, secret: true });
    expect(out.previousSigningKey).toEqual({ value: firstKey, secret: true });
    expect(backendText(fixture).includes(String(key))).toBe(false);
  });

  it("a refresh keeps the key", async () => {
    const before = await stateOf(fixture, "orders");
    const methods = await requestsDuring(emulator, () => fixture.stack.refresh(quiet));
    expect(methods).toEqual(["GET"]);
    const after = await stateOf(fixture, "orders");
    expect(plain(after.secret)).toBe(live()[0]?.secret);
    expect(plain(after.secret)).toBe(plain(before.secret));
    expect(plain(after.previousSecret)).toBe(firstKey);
  });

  it("destroy deletes the webhook", async () => {
    const methods = await requestsDuring(emulator, () => fixture.destroy());
    expect(methods).toEqual(["DELETE"]);
    expect(live()).toEqual([]);
  });
});

describe("pulumi import from a YAML project", () => {
  it("imports a webhook made outside Pulumi by ID; the key is unknown until the declared rotation sets it", async () => {
    // Made as any Appwrite client would, over the REST API.
    await createOutsidePulumi(emulator, PROJECT, API_KEY, {
      webhookId: "made-by-hand",
      name: "Orders",
      url: "https://hooks.example.com/appwrite",
      events: EVENTS,
      enabled: true,
      tls: true,
    });
    const handKey = live()[0]?.secret;
    const fixture = await yamlStack("examples/yaml", "imported");
    const methods = await requestsDuring(emulator, () =>
      promisify(execFile)(
        join(bin, "pulumi"),
        ["import", "appwrite-webhooks:index:Webhook", "orders", "made-by-hand", "--yes", "--protect=false"],
        { cwd: fixture.workDir, env: { ...process.env, ...fixture.env, PULUMI_STACK: "imported" } },
      ),
    );
    // Reads only (the engine reads once to plan and once to import).
    expect(methods.length).toBeGreaterThan(0);
    expect(methods.filter((m) => m !== "GET")).toEqual([]);
    const imported = await stateOf(fixture, "orders");
    expect(imported).toMatchObject({
      webhookId: "made-by-hand",
      name: "Orders",
      events: EVENTS,
      secretSource: "unknown",
    });
    expect(plain(imported.secret)).toBe("");
    // The program declares rotationTrigger 1, which the imported state lacks: one PATCH, no PUT.
    const up = await requestsDuring(emulator, () => upWithPreview(fixture.stack));
    expect(up).toEqual(["PATCH"]);
    const out = await outputs(fixture.stack);
    expect(out.signingKey).toEqual({ value: live()[0]?.secret, secret: true });
    expect(out.signingKey?.value).not.toBe(handKey);
    expect(out.secretSource?.value).toBe("appwrite");
    await fixture.destroy();
    expect(live()).toEqual([]);
  });
});

describe("provider configuration reaches the plugin", () => {
  it("stack config sets the default provider, and an explicit provider resource targets its own project", async () => {
    const fixture = await yamlStack("test/e2e/programs/yaml-providers", "providers", {
      otherEndpoint: emulator.endpoint,
      otherProjectId: OTHER_PROJECT,
    });
    await fixture.stack.setConfig("otherApiKey", { value: OTHER_API_KEY, secret: true });
    await fixture.stack.up(quiet);
    expect(live(PROJECT).map((w) => w.name)).toEqual(["Default provider"]);
    expect(live(OTHER_PROJECT).map((w) => w.name)).toEqual(["Explicit provider"]);
    const out = await outputs(fixture.stack);
    expect(out.defaultProjectId?.value).toBe(PROJECT);
    expect(out.otherProjectIdOut?.value).toBe(OTHER_PROJECT);
    expect(backendText(fixture).includes(OTHER_API_KEY), "provider API key in plain text").toBe(false);
    await fixture.destroy();
    expect([...live(PROJECT), ...live(OTHER_PROJECT)]).toEqual([]);
  });
});
