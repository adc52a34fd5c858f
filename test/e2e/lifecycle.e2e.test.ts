/**
 * The Webhook resource on the real Pulumi engine (CLI built from the Go module proxy or taken
 * from PATH), against the emulator. Each test asserts on emulator state and on Pulumi state.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { backendText, provisionEngine, type StackFixture } from "../support/engine";
import {
  API_KEY,
  PROJECT,
  declare,
  deliver,
  outputs,
  quiet,
  signature,
  startWorld,
  url,
  webhookStack,
  type World,
} from "./fixture";

let world: World;
const stacks: StackFixture[] = [];

beforeAll(async () => {
  await provisionEngine();
  world = await startWorld();
});
// Each test starts from an empty project: destroy what the last one left.
afterEach(async () => {
  for (const fixture of stacks.splice(0)) await fixture.dispose();
  expect(world.emulator.webhooks(PROJECT)).toEqual([]);
});
afterAll(async () => {
  await world.close();
});

async function stackWith(
  ...args: Parameters<typeof webhookStack> extends [World, ...infer Rest] ? Rest : never
) {
  const fixture = await webhookStack(world, ...args);
  stacks.push(fixture);
  return fixture;
}

const live = () => world.emulator.webhooks(PROJECT);

/** A webhook's outputs as Pulumi state holds them (stack outputs only change on `up`, not on refresh). */
async function stateOf(fixture: StackFixture, resourceName: string): Promise<Record<string, unknown>> {
  const deployment = (await fixture.stack.exportStack()).deployment as {
    resources: Array<{ urn: string; outputs?: Record<string, unknown> }>;
  };
  const resource = deployment.resources.find((r) => r.urn.endsWith(`::${resourceName}`));
  if (!resource?.outputs) throw new Error(`no state for ${resourceName}`);
  return resource.outputs;
}
const liveById = (id: unknown) => live().find((w) => w.$id === id);

describe("Webhook on the real engine", () => {
  it("up creates N webhooks; a second preview reports no changes and makes no API call", async () => {
    const { stack } = await stackWith({
      a: { name: "A", url: url("/a"), events: ["users.*.create"] },
      b: { name: "B", url: url("/b"), events: ["buckets.*.files.*"] },
      c: { name: "C", url: url("/c"), events: ["teams.*"] },
    });
    const up = await stack.up(quiet);
    expect(up.summary.resourceChanges).toMatchObject({ create: 4 });
    expect(live()).toHaveLength(3);
    world.emulator.resetCounters();
    const preview = await stack.preview(quiet);
    expect(preview.changeSummary).toEqual({ same: 4 });
    expect(world.emulator.counters().total ?? 0).toBe(0);
    await stack.destroy(quiet);
    expect(live()).toHaveLength(0);
  });

  it("keeps every secret out of plain-text state, and marks the secret outputs secret", async () => {
    const fixture = await stackWith(
      {
        generated: { name: "G", url: url("/g"), events: ["users.*"] },
        owned: { name: "O", url: url("/o"), events: ["users.*"], useSecret: true },
        basic: { name: "B", url: url("/b"), events: ["users.*"], authUsername: "u", useAuthPassword: true },
      },
      { owned: { secret: "user-owned-signing-key-77" }, basic: { authPassword: "basic-auth-password-55" } },
    );
    const { stack } = fixture;
    await stack.up(quiet);
    const state = backendText(fixture);
    expect(state).toContain("ciphertext");
    const serverSecrets = live().map((w) => w.secret);
    expect(serverSecrets).toHaveLength(3);
    for (const plain of [...serverSecrets, "user-owned-signing-key-77", "basic-auth-password-55", API_KEY]) {
      expect(state.includes(plain), `plain text of ${plain.slice(0, 6)}… in state`).toBe(false);
    }
    const out = await outputs(stack);
    for (const name of ["generated_secret", "owned_secret", "basic_secret", "basic_authPassword"]) {
      expect(out[name]?.secret, name).toBe(true);
    }
    expect(out.owned_secret?.value).toBe("user-owned-signing-key-77");
    expect(out.generated_secret?.value).toBe(liveById(out.generated_webhookId?.value)?.secret);
    expect(out.generated_webhookId?.secret).toBe(false);
  });

  it("changing events updates in place; changing webhookId replaces", async () => {
    const { stack } = await stackWith({
      hook: { name: "H", url: url("/h"), events: ["users.*.create"], webhookId: "e2e-first" },
    });
    await stack.up(quiet);
    await declare(stack, {
      hook: { name: "H", url: url("/h"), events: ["users.*.delete", "teams.*"], webhookId: "e2e-first" },
    });
    const update = await stack.up(quiet);
    expect(update.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(liveById("e2e-first")?.events).toEqual(["users.*.delete", "teams.*"]);
    await declare(stack, {
      hook: { name: "H", url: url("/h"), events: ["teams.*"], webhookId: "e2e-second" },
    });
    const replace = await stack.up(quiet);
    expect(replace.summary.resourceChanges).toMatchObject({ replace: 1 });
    expect(live().map((w) => w.$id)).toEqual(["e2e-second"]);
  });

  it("the rotation trigger and a new user secret both change the key in place", async () => {
    const { stack } = await stackWith(
      {
        rotated: { name: "R", url: url("/rotated"), events: ["users.*.create"], rotationTrigger: 1 },
        owned: { name: "O", url: url("/owned"), events: ["users.*.create"], useSecret: true },
      },
      { owned: { secret: "first-owned-secret" } },
    );
    await stack.up(quiet);
    const before = await outputs(stack);
    await declare(stack, {
      rotated: { name: "R", url: url("/rotated"), events: ["users.*.create"], rotationTrigger: 2 },
      owned: { name: "O", url: url("/owned"), events: ["users.*.create"], useSecret: true },
    });
    await stack.setConfig("e2e:secrets", {
      value: JSON.stringify({ owned: { secret: "second-owned-secret" } }),
      secret: true,
    });
    const up = await stack.up(quiet);
    expect(up.summary.resourceChanges).toMatchObject({ update: 2 });
    expect(up.summary.resourceChanges?.replace ?? 0).toBe(0);
    const after = await outputs(stack);
    const rotatedId = after.rotated_webhookId?.value;
    expect(rotatedId).toBe(before.rotated_webhookId?.value);
    expect(after.rotated_secret?.value).not.toBe(before.rotated_secret?.value);
    expect(after.rotated_previousSecret).toEqual({ value: before.rotated_secret?.value, secret: true });
    expect(liveById(rotatedId)?.secret).toBe(after.rotated_secret?.value);
    expect(after.owned_secret?.value).toBe("second-owned-secret");
    expect(liveById(after.owned_webhookId?.value)?.secret).toBe("second-owned-secret");
    // The next delivery is signed with the new key, and not with the old one.
    const delivery = await deliver(world, "users.u1.create", url("/rotated"));
    const header = delivery.headers["x-appwrite-webhook-signature"];
    expect(header).toBe(signature(url("/rotated"), delivery.body, String(after.rotated_secret?.value)));
    expect(header).not.toBe(signature(url("/rotated"), delivery.body, String(before.rotated_secret?.value)));
  });

  it("refresh keeps the secret; a webhook deleted out of band is dropped by refresh and recreated by up", async () => {
    const { stack } = await stackWith({
      kept: { name: "K", url: url("/kept"), events: ["users.*"] },
      lost: { name: "L", url: url("/lost"), events: ["users.*"] },
    });
    await stack.up(quiet);
    const before = await outputs(stack);
    world.emulator.deleteWebhook(String(before.lost_webhookId?.value));
    const refresh = await stack.refresh(quiet);
    expect(refresh.summary.resourceChanges).toMatchObject({ delete: 1 });
    const after = await outputs(stack);
    expect(after.kept_secret).toEqual({ value: before.kept_secret?.value, secret: true });
    const up = await stack.up(quiet);
    expect(up.summary.resourceChanges).toMatchObject({ create: 1 });
    expect(
      live()
        .map((w) => w.name)
        .sort(),
    ).toEqual(["K", "L"]);
  });

  it("a field changed out of band is detected by refresh and restored by up", async () => {
    const fixture = await stackWith({ hook: { name: "Declared", url: url("/drift"), events: ["users.*"] } });
    const { stack } = fixture;
    await stack.up(quiet);
    const id = String((await outputs(stack)).hook_webhookId?.value);
    world.emulator.updateWebhook(id, { name: "Edited in console", events: ["teams.*"] });
    const refresh = await stack.refresh(quiet);
    expect(refresh.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(await stateOf(fixture, "hook")).toMatchObject({ name: "Edited in console", events: ["teams.*"] });
    const preview = await stack.preview(quiet);
    expect(preview.changeSummary).toMatchObject({ update: 1 });
    await stack.up(quiet);
    expect(liveById(id)).toMatchObject({ name: "Declared", events: ["users.*"] });
  });

  it("an auto-disabled webhook is reported after refresh and re-enabled by up", async () => {
    const fixture = await stackWith({
      hook: { name: "Dead", url: "https://unrouted.example.org/x", events: ["users.*"] },
    });
    const { stack } = fixture;
    await stack.up(quiet);
    const id = String((await outputs(stack)).hook_webhookId?.value);
    for (let i = 0; i < 10; i++)
      await world.emulator.emit({ projectId: PROJECT, event: "users.u1.create", payload: {} });
    expect(liveById(id)).toMatchObject({ enabled: false, attempts: 10 });
    await stack.refresh(quiet);
    expect(await stateOf(fixture, "hook")).toMatchObject({ enabled: false, attempts: 10 });
    expect(String((await stateOf(fixture, "hook")).logs)).toMatch(/Could not resolve host/);
    const up = await stack.up(quiet);
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(liveById(id)).toMatchObject({ enabled: true, attempts: 0 });
  });

  it("bad args fail preview with the field named and zero API calls", async () => {
    const { stack } = await stackWith({
      bad: { name: "Bad", url: "http://localhost/hook", events: ["users.*.creat"] },
    });
    world.emulator.resetCounters();
    const failure = await stack.preview(quiet).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    const message = String((failure as Error).message);
    expect(message).toMatch(/url must|url.*public suffix/);
    expect(message).toMatch(/events\[0\] "users\.\*\.creat"/);
    expect(world.emulator.counters().total ?? 0).toBe(0);
  });

  it("a create that fails halfway is recorded (no orphan, no plain-text secret) and the next up finishes it", async () => {
    const fixture = await stackWith(
      {
        hook: {
          name: "Half",
          url: url("/half"),
          events: ["users.*"],
          authUsername: "u",
          useAuthPassword: true,
        },
      },
      { hook: { authPassword: "half-way-password-31" } },
    );
    world.emulator.injectFault({ kind: "commit-then-drop", method: "POST", path: "/v1/webhooks", count: 1 });
    world.emulator.injectFault({ kind: "status", status: 500, method: "PATCH", path: "/v1/webhooks/" });
    const failure = await fixture.stack.up(quiet).catch((e: unknown) => e);
    world.emulator.clearFaults();
    expect(String(failure)).toMatch(/exists .*signing key could not be set/);
    expect(live()).toHaveLength(1);
    const recorded = await stateOf(fixture, "hook");
    expect(recorded.webhookId).toBe(live()[0]?.$id);
    expect(backendText(fixture)).not.toContain("half-way-password-31");
    const up = await fixture.stack.up(quiet);
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(live()).toHaveLength(1);
    const out = await outputs(fixture.stack);
    expect(out.hook_secret?.value).toBe(live()[0]?.secret);
    const delivery = await deliver(world, "users.u1.create", url("/half"));
    expect(delivery.headers["x-appwrite-webhook-signature"]).toBe(
      signature(url("/half"), delivery.body, String(out.hook_secret?.value)),
    );
  });

  it("destroy leaves the emulator with zero webhooks", async () => {
    const { stack } = await stackWith({
      one: { name: "1", url: url("/1"), events: ["users.*"] },
      two: { name: "2", url: url("/2"), events: ["users.*"] },
    });
    await stack.up(quiet);
    expect(live()).toHaveLength(2);
    const destroy = await stack.destroy(quiet);
    expect(destroy.summary.resourceChanges).toMatchObject({ delete: 3 });
    expect(live()).toHaveLength(0);
  });
});
