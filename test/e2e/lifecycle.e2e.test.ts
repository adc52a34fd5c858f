/**
 * The Webhook resource on the real Pulumi engine (CLI built from the Go module proxy or taken
 * from PATH), against the emulator. Each test asserts on emulator state and on Pulumi state.
 *
 * The lifecycle cases run against both doors from one table: each declares its webhooks once
 * per door (the dynamic `Webhook` and the plugin's `NativeWebhook`), side by side in one stack,
 * so both doors face the same `up` and the same assertions for the cost of one engine run.
 */
import { describe, expect, it } from "vitest";
import { backendText, provisionEngine, upWithPreview } from "../support/engine";
import { cli } from "./reliability/support";
import { DOORS, TYPES, bothDoors, bothDoorsSecrets, doorId, doorUrl, n } from "./doors";
import { API_KEY, PROJECT, declare, deliver, outputs, quiet, signature, url, useWorld } from "./fixture";

const suite = useWorld();
const { stackWith, stateOf } = suite;
const live = () => suite.world.emulator.webhooks(PROJECT);
const liveById = (id: unknown) => live().find((w) => w.$id === id);

describe("Webhook on the real engine, both doors from one table", () => {
  it("up creates N webhooks with every secret out of plain-text state; a second preview makes no API call; destroy leaves zero", async () => {
    // One stack for the whole life of a resource: a generated key, a user-owned key and a basic
    // auth password, on both doors.
    const fixture = await stackWith(
      bothDoors({
        generated: { name: "G", url: url("/g"), events: ["users.*.create"] },
        owned: { name: "O", url: url("/o"), events: ["buckets.*.files.*"], useSecret: true },
        basic: { name: "B", url: url("/b"), events: ["teams.*"], authUsername: "u", useAuthPassword: true },
      }),
      bothDoorsSecrets({
        owned: { secret: "user-owned-signing-key-77" },
        basic: { authPassword: "basic-auth-password-55" },
      }),
    );
    const { stack } = fixture;
    const up = await stack.up(quiet);
    // The stack and 3 webhooks per door (providers are not counted).
    expect(up.summary.resourceChanges).toEqual({ create: 7 });
    expect(live()).toHaveLength(6);
    for (const door of DOORS) {
      const types = (await stack.exportStack()).deployment.resources
        .filter(
          (r: { urn: string }) => /::(generated|owned|basic)_/.test(r.urn) && r.urn.endsWith(`_${door}`),
        )
        .map((r: { type: string }) => r.type);
      expect(types, door).toEqual([TYPES[door], TYPES[door], TYPES[door]]);
    }

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

    suite.world.emulator.resetCounters();
    const preview = await stack.preview(quiet);
    expect(preview.changeSummary).toEqual({ same: 7 });
    expect(suite.world.emulator.counters().total ?? 0).toBe(0);
    const destroy = await fixture.destroy();
    expect(destroy.summary.resourceChanges).toEqual({ delete: 7 });
    expect(live()).toHaveLength(0);
  });

  it("changing events updates in place (one PUT); the rotation trigger and a new user secret change the key in place (one PATCH); changing webhookId replaces", async () => {
    const declared = (events: string[], webhookId: string, rotationTrigger: number) =>
      bothDoors({
        hook: { name: "H", url: url("/h"), events, webhookId },
        rotated: { name: "R", url: url("/rotated"), events: ["users.*.create"], rotationTrigger },
        owned: { name: "O", url: url("/owned"), events: ["users.*.create"], useSecret: true },
      });
    const { stack } = await stackWith(
      declared(["users.*.create"], "e2e-first", 1),
      bothDoorsSecrets({ owned: { secret: "first-owned-secret" } }),
    );
    await stack.up(quiet);

    await declare(stack, declared(["users.*.delete", "teams.*"], "e2e-first", 1));
    suite.world.emulator.resetCounters();
    const update = await upWithPreview(stack);
    expect(update.summary.resourceChanges).toMatchObject({ update: 2 });
    // One PUT per door over the whole command, its preview included; nothing else written.
    expect(suite.world.emulator.counters()).toMatchObject({ "PUT /v1/webhooks/:id": 2 });
    expect(suite.world.emulator.counters()["PATCH /v1/webhooks/:id/secret"] ?? 0).toBe(0);
    for (const door of DOORS) {
      expect(liveById(doorId(door, "e2e-first"))?.events).toEqual(["users.*.delete", "teams.*"]);
    }

    const before = await outputs(stack);
    await declare(stack, declared(["users.*.delete", "teams.*"], "e2e-first", 2));
    await stack.setConfig("e2e:secrets", {
      value: JSON.stringify(bothDoorsSecrets({ owned: { secret: "second-owned-secret" } })),
      secret: true,
    });
    suite.world.emulator.resetCounters();
    const up = await upWithPreview(stack);
    expect(up.summary.resourceChanges).toMatchObject({ update: 4 });
    expect(up.summary.resourceChanges?.replace ?? 0).toBe(0);
    // One PATCH per webhook and no PUT: a rotation alone does not rewrite the webhook.
    expect(suite.world.emulator.counters()).toMatchObject({ "PATCH /v1/webhooks/:id/secret": 4 });
    expect(suite.world.emulator.counters()["PUT /v1/webhooks/:id"] ?? 0).toBe(0);
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
      const delivery = await deliver(suite.world, "users.u1.create", hookUrl);
      const header = delivery.headers["x-appwrite-webhook-signature"];
      expect(header).toBe(signature(hookUrl, delivery.body, String(after[`${rotated}_secret`]?.value)));
      expect(header).not.toBe(signature(hookUrl, delivery.body, String(before[`${rotated}_secret`]?.value)));
    }

    await declare(stack, declared(["teams.*"], "e2e-second", 2));
    const replace = await stack.up(quiet);
    expect(replace.summary.resourceChanges).toMatchObject({ replace: 2 });
    expect(
      live()
        .filter((w) => w.name === "H")
        .map((w) => w.$id)
        .sort(),
    ).toEqual(DOORS.map((door) => doorId(door, "e2e-second")).sort());
    expect(live()).toHaveLength(6);
  });

  it("a forced replace (`pulumi up --replace`, with its preview) of derived and declared IDs leaves one webhook under each ID, with a new key", async () => {
    // A derived ID, and a declared one as GitOps declares every ID, on both doors: one run for all.
    const kinds = {
      derived: { name: "F", url: url("/forced-derived"), events: ["users.*"] },
      declared: { name: "D", url: url("/forced-declared"), events: ["users.*"], webhookId: "forced" },
    };
    const fixture = await stackWith(bothDoors(kinds));
    const { stack } = fixture;
    await stack.up(quiet);
    const before = await outputs(stack);
    const urns = (await stack.exportStack()).deployment.resources
      .map((r: { urn: string }) => r.urn)
      .filter((urn: string) => /::(derived|declared)_/.test(urn));
    expect(urns).toHaveLength(4);
    // The engine checks a forced replace afresh, so the replacement has the ID it already has
    // (derived again, or declared), and creates it before deleting the old one: that delete
    // must not remove the webhook. Run as a user runs it: the CLI, preview first.
    const replace = await cli(await provisionEngine(), fixture, [
      "up",
      "--yes",
      "--stack",
      stack.name,
      ...urns.flatMap((urn: string) => ["--replace", urn]),
    ]);
    expect(replace.code, replace.stdout + replace.stderr).toBe(0);
    expect(replace.stdout).toMatch(/4 replaced/);
    const after = await outputs(stack);
    for (const [kind, spec] of Object.entries(kinds)) {
      for (const door of DOORS) {
        const id = after[`${n(kind, door)}_webhookId`]?.value;
        expect(id, `${kind} ${door}`).toBe(before[`${n(kind, door)}_webhookId`]?.value);
        const key = String(after[`${n(kind, door)}_secret`]?.value);
        expect(key, `${kind} ${door}`).not.toBe(before[`${n(kind, door)}_secret`]?.value);
        expect(liveById(id)?.secret, `${kind} ${door}`).toBe(key);
        const hookUrl = doorUrl(door, new URL(spec.url).pathname);
        const delivery = await deliver(suite.world, "users.u1.create", hookUrl);
        expect(delivery.headers["x-appwrite-webhook-signature"]).toBe(signature(hookUrl, delivery.body, key));
      }
    }
    expect(live()).toHaveLength(4);
    // The one delete left out was the old resource's: destroy removes the webhooks.
    await fixture.destroy();
    expect(live()).toHaveLength(0);
  });

  it("refresh keeps the secret, drops a webhook deleted out of band and detects a field changed out of band; up recreates and restores", async () => {
    const fixture = await stackWith(
      bothDoors({
        kept: { name: "K", url: url("/kept"), events: ["users.*"] },
        lost: { name: "L", url: url("/lost"), events: ["users.*"] },
        hook: { name: "Declared", url: url("/drift"), events: ["users.*"] },
      }),
    );
    const { stack } = fixture;
    await stack.up(quiet);
    const before = await outputs(stack);
    const ids = DOORS.map((door) => String(before[`${n("hook", door)}_webhookId`]?.value));
    for (const door of DOORS)
      suite.world.emulator.deleteWebhook(String(before[`${n("lost", door)}_webhookId`]?.value));
    for (const id of ids)
      suite.world.emulator.updateWebhook(id, { name: "Edited in console", events: ["teams.*"] });
    const refresh = await stack.refresh(quiet);
    expect(refresh.summary.resourceChanges).toMatchObject({ delete: 2, update: 2 });
    const after = await outputs(stack);
    for (const door of DOORS) {
      expect(after[`${n("kept", door)}_secret`]).toEqual({
        value: before[`${n("kept", door)}_secret`]?.value,
        secret: true,
      });
      expect(await stateOf(fixture, n("hook", door))).toMatchObject({
        name: "Edited in console",
        events: ["teams.*"],
      });
    }
    const preview = await stack.preview(quiet);
    expect(preview.changeSummary).toMatchObject({ create: 2, update: 2 });
    const up = await stack.up(quiet);
    expect(up.summary.resourceChanges).toMatchObject({ create: 2, update: 2 });
    expect(
      live()
        .map((w) => w.name)
        .sort(),
    ).toEqual(["Declared", "Declared", "K", "K", "L", "L"]);
    for (const id of ids) expect(liveById(id)).toMatchObject({ name: "Declared", events: ["users.*"] });
  });

  it("bad args fail preview with the field named and zero API calls", async () => {
    const { stack } = await stackWith({});
    // One door per preview: the engine stops at the first resource whose check fails.
    for (const door of DOORS) {
      await declare(stack, {
        [n("bad", door)]: { door, name: "Bad", url: "http://localhost/hook", events: ["users.*.creat"] },
      });
      suite.world.emulator.resetCounters();
      const failure = await stack.preview(quiet).catch((e: unknown) => e);
      expect(failure, door).toBeInstanceOf(Error);
      const message = String((failure as Error).message);
      expect(message, door).toContain(TYPES[door]);
      expect(message, door).toMatch(/url must|url.*public suffix/);
      expect(message, door).toMatch(/events\[0\] "users\.\*\.creat"/);
      expect(suite.world.emulator.counters().total ?? 0, door).toBe(0);
    }
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
      await suite.world.emulator.emit({ projectId: PROJECT, event: "users.u1.create", payload: {} });
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
    suite.world.emulator.injectFault({
      kind: "commit-then-drop",
      method: "POST",
      path: "/v1/webhooks",
      count: 1,
    });
    suite.world.emulator.injectFault({ kind: "status", status: 500, method: "PATCH", path: "/v1/webhooks/" });
    const failure = await fixture.stack.up(quiet).catch((e: unknown) => e);
    suite.world.emulator.clearFaults();
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
    const delivery = await deliver(suite.world, "users.u1.create", url("/half"));
    expect(delivery.headers["x-appwrite-webhook-signature"]).toBe(
      signature(url("/half"), delivery.body, String(out.hook_secret?.value)),
    );
  });
});
