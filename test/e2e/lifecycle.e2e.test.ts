/**
 * The Webhook resource on the real Pulumi engine (CLI built from the Go module proxy or taken
 * from PATH), against the emulator. Each test asserts on emulator state and on Pulumi state.
 *
 * The lifecycle cases run against both doors from one table: each declares its webhooks once
 * per door (the dynamic `Webhook` and the plugin's `NativeWebhook`), side by side in one stack,
 * so both doors face the same `up` and the same assertions for the cost of one engine run.
 */
import { execFile } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { backendText, provisionEngine, type StackFixture } from "../support/engine";
import {
  API_KEY,
  PROJECT,
  RECEIVER_HOST,
  declare,
  deliver,
  outputs,
  quiet,
  signature,
  startWorld,
  url,
  webhookStack,
  type WebhookSpec,
  type World,
} from "./fixture";

let world: World;
let engineBin: string;
const stacks: StackFixture[] = [];

beforeAll(async () => {
  engineBin = await provisionEngine();
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

type Door = "dynamic" | "native";
const DOORS: readonly Door[] = ["dynamic", "native"];
const TYPES: Record<Door, string> = {
  dynamic: "pulumi-nodejs:dynamic/appwrite:Webhook",
  native: "appwrite-webhooks:index:Webhook",
};

/** A resource's name in a both-doors stack. */
const n = (name: string, door: Door) => `${name}_${door}`;
/** The URL of a webhook of one door: its own path, so deliveries are told apart. */
const doorUrl = (door: Door, path: string) => url(`/${door}${path}`);
const doorId = (door: Door, id: string) => `${id}-${door}`;

/** The webhooks once per door: `<name>_<door>`, each with its own URL path and fixed ID. */
function bothDoors(webhooks: Record<string, WebhookSpec>): Record<string, WebhookSpec> {
  return Object.fromEntries(
    DOORS.flatMap((door) =>
      Object.entries(webhooks).map(([name, spec]) => [
        n(name, door),
        {
          ...spec,
          door,
          url: String(spec.url).replace(`https://${RECEIVER_HOST}/`, `https://${RECEIVER_HOST}/${door}/`),
          ...(typeof spec.webhookId === "string" ? { webhookId: doorId(door, spec.webhookId) } : {}),
        },
      ]),
    ),
  );
}
function bothDoorsSecrets<T>(secrets: Record<string, T>): Record<string, T> {
  return Object.fromEntries(
    DOORS.flatMap((door) => Object.entries(secrets).map(([name, v]) => [n(name, door), v])),
  );
}

describe("Webhook on the real engine, both doors from one table", () => {
  it("up creates N webhooks; a second preview reports no changes and makes no API call", async () => {
    const fixture = await stackWith(
      bothDoors({
        a: { name: "A", url: url("/a"), events: ["users.*.create"] },
        b: { name: "B", url: url("/b"), events: ["buckets.*.files.*"] },
        c: { name: "C", url: url("/c"), events: ["teams.*"] },
      }),
    );
    const { stack } = fixture;
    const up = await stack.up(quiet);
    // The stack and 3 webhooks per door (providers are not counted).
    expect(up.summary.resourceChanges).toEqual({ create: 7 });
    expect(live()).toHaveLength(6);
    for (const door of DOORS) {
      const types = (await stack.exportStack()).deployment.resources
        .filter((r: { urn: string }) => /::[abc]_/.test(r.urn) && r.urn.endsWith(`_${door}`))
        .map((r: { type: string }) => r.type);
      expect(types, door).toEqual([TYPES[door], TYPES[door], TYPES[door]]);
    }
    world.emulator.resetCounters();
    const preview = await stack.preview(quiet);
    expect(preview.changeSummary).toEqual({ same: 7 });
    expect(world.emulator.counters().total ?? 0).toBe(0);
    await stack.destroy(quiet);
    expect(live()).toHaveLength(0);
  });

  it("keeps every secret out of plain-text state, and marks the secret outputs secret", async () => {
    const fixture = await stackWith(
      bothDoors({
        generated: { name: "G", url: url("/g"), events: ["users.*"] },
        owned: { name: "O", url: url("/o"), events: ["users.*"], useSecret: true },
        basic: { name: "B", url: url("/b"), events: ["users.*"], authUsername: "u", useAuthPassword: true },
      }),
      bothDoorsSecrets({
        owned: { secret: "user-owned-signing-key-77" },
        basic: { authPassword: "basic-auth-password-55" },
      }),
    );
    const { stack } = fixture;
    await stack.up(quiet);
    const state = backendText(fixture);
    expect(state).toContain("ciphertext");
    const serverSecrets = live().map((w) => w.secret);
    expect(serverSecrets).toHaveLength(6);
    for (const plain of [...serverSecrets, "user-owned-signing-key-77", "basic-auth-password-55", API_KEY]) {
      expect(state.includes(plain), `plain text of ${plain.slice(0, 6)}… in state`).toBe(false);
    }
    const out = await outputs(stack);
    for (const door of DOORS) {
      for (const name of ["generated_secret", "owned_secret", "basic_secret", "basic_authPassword"]) {
        const [resource, output] = name.split("_") as [string, string];
        expect(out[`${n(resource, door)}_${output}`]?.secret, `${door} ${name}`).toBe(true);
      }
      expect(out[`${n("owned", door)}_secret`]?.value).toBe("user-owned-signing-key-77");
      expect(out[`${n("generated", door)}_secret`]?.value).toBe(
        liveById(out[`${n("generated", door)}_webhookId`]?.value)?.secret,
      );
      expect(out[`${n("generated", door)}_webhookId`]?.secret).toBe(false);
    }
  });

  it("changing events updates in place; changing webhookId replaces", async () => {
    const { stack } = await stackWith(
      bothDoors({ hook: { name: "H", url: url("/h"), events: ["users.*.create"], webhookId: "e2e-first" } }),
    );
    await stack.up(quiet);
    await declare(
      stack,
      bothDoors({
        hook: { name: "H", url: url("/h"), events: ["users.*.delete", "teams.*"], webhookId: "e2e-first" },
      }),
    );
    world.emulator.resetCounters();
    const update = await stack.up(quiet);
    expect(update.summary.resourceChanges).toMatchObject({ update: 2 });
    // One PUT per door, nothing else written.
    expect(world.emulator.counters()).toMatchObject({ "PUT /v1/webhooks/:id": 2 });
    for (const door of DOORS) {
      expect(liveById(doorId(door, "e2e-first"))?.events).toEqual(["users.*.delete", "teams.*"]);
    }
    await declare(
      stack,
      bothDoors({ hook: { name: "H", url: url("/h"), events: ["teams.*"], webhookId: "e2e-second" } }),
    );
    const replace = await stack.up(quiet);
    expect(replace.summary.resourceChanges).toMatchObject({ replace: 2 });
    expect(
      live()
        .map((w) => w.$id)
        .sort(),
    ).toEqual(DOORS.map((door) => doorId(door, "e2e-second")).sort());
  });

  it("the rotation trigger and a new user secret both change the key in place", async () => {
    const { stack } = await stackWith(
      bothDoors({
        rotated: { name: "R", url: url("/rotated"), events: ["users.*.create"], rotationTrigger: 1 },
        owned: { name: "O", url: url("/owned"), events: ["users.*.create"], useSecret: true },
      }),
      bothDoorsSecrets({ owned: { secret: "first-owned-secret" } }),
    );
    await stack.up(quiet);
    const before = await outputs(stack);
    await declare(
      stack,
      bothDoors({
        rotated: { name: "R", url: url("/rotated"), events: ["users.*.create"], rotationTrigger: 2 },
        owned: { name: "O", url: url("/owned"), events: ["users.*.create"], useSecret: true },
      }),
    );
    await stack.setConfig("e2e:secrets", {
      value: JSON.stringify(bothDoorsSecrets({ owned: { secret: "second-owned-secret" } })),
      secret: true,
    });
    world.emulator.resetCounters();
    const up = await stack.up(quiet);
    expect(up.summary.resourceChanges).toMatchObject({ update: 4 });
    expect(up.summary.resourceChanges?.replace ?? 0).toBe(0);
    // One PATCH per webhook and no PUT: a rotation alone does not rewrite the webhook.
    expect(world.emulator.counters()).toMatchObject({ "PATCH /v1/webhooks/:id/secret": 4 });
    expect(world.emulator.counters()["PUT /v1/webhooks/:id"] ?? 0).toBe(0);
    const after = await outputs(stack);
    for (const door of DOORS) {
      const rotated = n("rotated", door);
      const owned = n("owned", door);
      const rotatedId = after[`${rotated}_webhookId`]?.value;
      expect(rotatedId).toBe(before[`${rotated}_webhookId`]?.value);
      expect(after[`${rotated}_secret`]?.value).not.toBe(before[`${rotated}_secret`]?.value);
      expect(after[`${rotated}_previousSecret`]).toEqual({
        value: before[`${rotated}_secret`]?.value,
        secret: true,
      });
      expect(liveById(rotatedId)?.secret).toBe(after[`${rotated}_secret`]?.value);
      expect(after[`${owned}_secret`]?.value).toBe("second-owned-secret");
      expect(liveById(after[`${owned}_webhookId`]?.value)?.secret).toBe("second-owned-secret");
      // The next delivery is signed with the new key, and not with the old one.
      const hookUrl = doorUrl(door, "/rotated");
      const delivery = await deliver(world, "users.u1.create", hookUrl);
      const header = delivery.headers["x-appwrite-webhook-signature"];
      expect(header).toBe(signature(hookUrl, delivery.body, String(after[`${rotated}_secret`]?.value)));
      expect(header).not.toBe(signature(hookUrl, delivery.body, String(before[`${rotated}_secret`]?.value)));
    }
  });

  it("refresh keeps the secret; a webhook deleted out of band is dropped by refresh and recreated by up", async () => {
    const { stack } = await stackWith(
      bothDoors({
        kept: { name: "K", url: url("/kept"), events: ["users.*"] },
        lost: { name: "L", url: url("/lost"), events: ["users.*"] },
      }),
    );
    await stack.up(quiet);
    const before = await outputs(stack);
    for (const door of DOORS)
      world.emulator.deleteWebhook(String(before[`${n("lost", door)}_webhookId`]?.value));
    const refresh = await stack.refresh(quiet);
    expect(refresh.summary.resourceChanges).toMatchObject({ delete: 2 });
    const after = await outputs(stack);
    for (const door of DOORS) {
      expect(after[`${n("kept", door)}_secret`]).toEqual({
        value: before[`${n("kept", door)}_secret`]?.value,
        secret: true,
      });
    }
    const up = await stack.up(quiet);
    expect(up.summary.resourceChanges).toMatchObject({ create: 2 });
    expect(
      live()
        .map((w) => w.name)
        .sort(),
    ).toEqual(["K", "K", "L", "L"]);
  });

  it("a field changed out of band is detected by refresh and restored by up", async () => {
    const fixture = await stackWith(
      bothDoors({ hook: { name: "Declared", url: url("/drift"), events: ["users.*"] } }),
    );
    const { stack } = fixture;
    await stack.up(quiet);
    const out = await outputs(stack);
    const ids = DOORS.map((door) => String(out[`${n("hook", door)}_webhookId`]?.value));
    for (const id of ids)
      world.emulator.updateWebhook(id, { name: "Edited in console", events: ["teams.*"] });
    const refresh = await stack.refresh(quiet);
    expect(refresh.summary.resourceChanges).toMatchObject({ update: 2 });
    for (const door of DOORS) {
      expect(await stateOf(fixture, n("hook", door))).toMatchObject({
        name: "Edited in console",
        events: ["teams.*"],
      });
    }
    const preview = await stack.preview(quiet);
    expect(preview.changeSummary).toMatchObject({ update: 2 });
    await stack.up(quiet);
    for (const id of ids) expect(liveById(id)).toMatchObject({ name: "Declared", events: ["users.*"] });
  });

  it("bad args fail preview with the field named and zero API calls", async () => {
    const { stack } = await stackWith({});
    // One door per preview: the engine stops at the first resource whose check fails.
    for (const door of DOORS) {
      await declare(stack, {
        [n("bad", door)]: { door, name: "Bad", url: "http://localhost/hook", events: ["users.*.creat"] },
      });
      world.emulator.resetCounters();
      const failure = await stack.preview(quiet).catch((e: unknown) => e);
      expect(failure, door).toBeInstanceOf(Error);
      const message = String((failure as Error).message);
      expect(message, door).toContain(TYPES[door]);
      expect(message, door).toMatch(/url must|url.*public suffix/);
      expect(message, door).toMatch(/events\[0\] "users\.\*\.creat"/);
      expect(world.emulator.counters().total ?? 0, door).toBe(0);
    }
  });

  it("destroy leaves the emulator with zero webhooks", async () => {
    const { stack } = await stackWith(
      bothDoors({
        one: { name: "1", url: url("/1"), events: ["users.*"] },
        two: { name: "2", url: url("/2"), events: ["users.*"] },
      }),
    );
    await stack.up(quiet);
    expect(live()).toHaveLength(4);
    const destroy = await stack.destroy(quiet);
    expect(destroy.summary.resourceChanges).toMatchObject({ delete: 5 });
    expect(live()).toHaveLength(0);
  });
});

describe("Webhook on the real engine, dynamic door", () => {
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
});

describe("Webhook on the real engine, native door only", () => {
  it("pulumi import reads by ID; a matching program then changes nothing, and a rotation trigger makes the key known", async () => {
    const fixture = await stackWith({});
    const handMade = { name: "By hand", url: doorUrl("native", "/imported"), events: ["users.*.create"] };
    const created = await fetch(`${world.emulator.endpoint}/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-appwrite-project": PROJECT,
        "x-appwrite-key": API_KEY,
      },
      body: JSON.stringify({ webhookId: "imported-by-id", enabled: true, tls: true, ...handMade }),
    });
    expect(created.status).toBe(201);
    const handKey = liveById("imported-by-id")?.secret;
    await promisify(execFile)(
      join(engineBin, "pulumi"),
      [
        "import",
        TYPES.native,
        "imported",
        "imported-by-id",
        "--yes",
        "--protect=false",
        "--generate-code=false",
        "--stack",
        "e2e",
      ],
      { cwd: fixture.workDir, env: { ...process.env, ...fixture.env } },
    );
    expect(await stateOf(fixture, "imported")).toMatchObject({
      webhookId: "imported-by-id",
      secretSource: "unknown",
    });
    // The program declares what the server holds, without a rotation: nothing to do, no request.
    await declare(fixture.stack, { imported: { door: "native", ...handMade } });
    world.emulator.resetCounters();
    const preview = await fixture.stack.preview(quiet);
    expect(preview.changeSummary).toEqual({ same: 2 });
    expect(world.emulator.counters().total ?? 0).toBe(0);
    const quietUp = await fixture.stack.up(quiet);
    expect(quietUp.summary.resourceChanges).toEqual({ same: 2 });
    expect(liveById("imported-by-id")?.secret, "a plain up must not rotate an imported key").toBe(handKey);
    // The next rotation trigger sets a key the provider knows: one PATCH, no PUT.
    await declare(fixture.stack, { imported: { door: "native", ...handMade, rotationTrigger: 1 } });
    world.emulator.resetCounters();
    await fixture.stack.up(quiet);
    expect(world.emulator.counters()).toMatchObject({ "PATCH /v1/webhooks/:id/secret": 1 });
    expect(world.emulator.counters()["PUT /v1/webhooks/:id"] ?? 0).toBe(0);
    const out = await outputs(fixture.stack);
    expect(out.imported_secret).toEqual({ value: liveById("imported-by-id")?.secret, secret: true });
    expect(out.imported_secret?.value).not.toBe(handKey);
    expect(out.imported_secretSource?.value).toBe("appwrite");
  });

  it("stores at most 2.5 KB per webhook in the checkpoint, the user's own strings excluded", async () => {
    const declared = bothDoors({
      sized: { name: "Sized", url: url("/sized"), events: ["users.*.create", "buckets.*.files.*"] },
    });
    const fixture = await stackWith(declared);
    await fixture.stack.up(quiet);
    const sizes = Object.fromEntries(
      DOORS.map((door) => {
        const resource = checkpointResources(fixture).find((r) => r.urn.endsWith(`::${n("sized", door)}`));
        const spec = declared[n("sized", door)] as { name: string; url: string; events: string[] };
        let text = JSON.stringify(resource);
        for (const own of [n("sized", door), spec.name, spec.url, ...spec.events])
          text = text.split(own).join("");
        return [door, Buffer.byteLength(text)];
      }),
    );
    console.log(`checkpoint bytes per webhook, the user's strings excluded: ${JSON.stringify(sizes)}`);
    expect(sizes.native).toBeLessThanOrEqual(2560);
    // The dynamic door stores its serialized provider twice; the native door stores none.
    expect(sizes.native).toBeLessThan((sizes.dynamic ?? 0) / 2);
  });
});

/** The resources of the stack's checkpoint as the file backend stores them (secrets encrypted). */
function checkpointResources(fixture: StackFixture): Array<{ urn: string }> {
  const root = join(fixture.backendDir, ".pulumi", "stacks");
  const file = readdirSync(root, { recursive: true, encoding: "utf8" }).find((name) =>
    name.endsWith("e2e.json"),
  );
  if (!file) throw new Error("no checkpoint file");
  const parsed = JSON.parse(readFileSync(join(root, file), "utf8")) as {
    checkpoint: { latest: { resources: Array<{ urn: string }> } };
  };
  return parsed.checkpoint.latest.resources;
}
