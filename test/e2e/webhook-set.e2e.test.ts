/**
 * `WebhookSet` on the real engine against the emulator, on each door: 50 webhooks in one
 * resource, a no-change preview without a request, an edit, a rotation and a removal that each
 * send exactly that entry's request, unmanaged webhooks reported and then deleted (except one
 * left to another tool), and deliveries signed with the keys the set outputs. Request counts
 * are taken over whole commands, `pulumi up` with its preview.
 */
import { describe, expect, it } from "vitest";
import type { RequestRecord } from "../../emulator";
import { backendText, openStack, provisionEngine, upWithPreview, type StackFixture } from "../support/engine";
import { createOutsidePulumi, requestsDuring } from "../support/outside-pulumi";
import { cli } from "./reliability/support";
import { API_KEY, PROJECT, deliver, outputs, quiet, signature, url, useWorld, type World } from "./fixture";

const suite = useWorld();
const live = () => suite.world.emulator.webhooks(PROJECT);

type Entry = Record<string, unknown>;
interface SetSpec {
  webhooks: Record<string, Entry>;
  unmanaged?: string;
  ignoreUnmanaged?: string[];
  concurrency?: number;
}

const DOORS = ["dynamic", "native"] as const;
type Door = (typeof DOORS)[number];

const stacks: StackFixture[] = [];
async function setStack(world: World, door: Door, spec: SetSpec, secrets: Record<string, string> = {}) {
  const fixture = await openStack({
    program: "test/e2e/programs/webhook-set",
    config: {
      "appwrite:endpoint": world.emulator.endpoint,
      "appwrite:projectId": PROJECT,
      "appwrite-webhooks:endpoint": world.emulator.endpoint,
      "appwrite-webhooks:projectId": PROJECT,
      "e2e:door": door,
      "e2e:set": JSON.stringify(spec),
    },
    secretConfig: {
      "appwrite:apiKey": API_KEY,
      "appwrite-webhooks:apiKey": API_KEY,
      "e2e:secrets": JSON.stringify(secrets),
    },
  });
  stacks.push(fixture);
  return fixture;
}

/** Each write request as `METHOD path`, reads as `GET`; the control API is not counted. */
const write = (request: RequestRecord) =>
  request.method === "GET" ? "GET" : `${request.method} ${request.path.replace(/\?.*$/, "")}`;
/** `pulumi preview --diff` as a pull request's CI job runs it: what it prints. */
async function previewDiff(fixture: StackFixture): Promise<string> {
  const result = await cli(await provisionEngine(), fixture, [
    "preview",
    "--diff",
    "--stack",
    fixture.stack.name,
  ]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout + result.stderr;
}
const count = (requests: string[], method: string) => requests.filter((r) => r.startsWith(method)).length;

function fifty(): Record<string, Entry> {
  return Object.fromEntries(
    Array.from({ length: 50 }, (_, i) => [
      `hook${String(i).padStart(2, "0")}`,
      { name: `Hook ${i}`, url: url(`/set/${i}`), events: ["users.*.create"] },
    ]),
  );
}

/** The writes among `requests`: the set's one list after its writes (unmanaged: "report") is a read. */
const writesOf = (requests: string[]) => requests.filter((request) => request !== "GET");

describe.each(DOORS)("WebhookSet on the real engine (%s door)", (door) => {
  it("creates 50, previews no change with 0 requests, edits, rotates and removes one entry each with exactly its request, then reports and deletes unmanaged webhooks", async () => {
    const spec: SetSpec = { webhooks: fifty(), ignoreUnmanaged: ["other-tool-*"] };
    const fixture = await setStack(suite.world, door, spec);
    const { stack } = fixture;
    try {
      const created = await requestsDuring(suite.world.emulator, () => upWithPreview(stack), write);
      expect(count(created, "POST")).toBe(50);
      // After its writes, the set lists the project once (one page of 100) for unmanaged webhooks.
      expect(created.filter((r) => !r.startsWith("POST"))).toEqual(["GET"]);
      expect(live()).toHaveLength(50);
      let out = await outputs(stack);
      const ids = out.webhookIds?.value as Record<string, string>;
      const keys = out.secrets?.value as Record<string, string>;
      expect(out.secrets?.secret).toBe(true);
      expect(Object.keys(ids)).toHaveLength(50);
      expect(Object.keys(keys)).toHaveLength(50);
      // No key, in any form, in plain text in the checkpoint.
      const state = backendText(fixture);
      for (const key of Object.values(keys)) expect(state).not.toContain(key);
      expect(state).not.toContain(API_KEY);

      // Every delivery verifies with the key in `secrets`.
      const delivery = await deliver(suite.world, "users.u1.create", url("/set/7"));
      expect(delivery.headers["x-appwrite-webhook-signature"]).toBe(
        signature(url("/set/7"), delivery.body, keys.hook07 ?? ""),
      );

      const noChange = await requestsDuring(suite.world.emulator, async () => {
        const preview = await stack.preview(quiet);
        expect(preview.changeSummary).toEqual({ same: 2 });
      });
      expect(noChange).toEqual([]);

      // One entry's URL: the preview names the entry and the new URL; up sends one PUT, of that entry's webhook.
      spec.webhooks.hook03 = { ...spec.webhooks.hook03, url: url("/set/3-moved") };
      await stack.setConfig("e2e:set", { value: JSON.stringify(spec) });
      const preview = await previewDiff(fixture);
      expect(preview).toMatch(/hook03/);
      expect(preview).toMatch(/set\/3-moved/);
      const edited = await requestsDuring(suite.world.emulator, () => upWithPreview(stack), write);
      expect(writesOf(edited)).toEqual([`PUT /v1/webhooks/${ids.hook03}`]);

      // One entry's rotation: exactly one PATCH; the old key moves to previousSecrets.
      spec.webhooks.hook04 = { ...spec.webhooks.hook04, rotationTrigger: "2026-12" };
      await stack.setConfig("e2e:set", { value: JSON.stringify(spec) });
      const rotated = await requestsDuring(suite.world.emulator, () => upWithPreview(stack), write);
      expect(writesOf(rotated)).toEqual([`PATCH /v1/webhooks/${ids.hook04}/secret`]);
      out = await outputs(stack);
      const after = out.secrets?.value as Record<string, string>;
      expect(after.hook04).not.toBe(keys.hook04);
      expect((out.previousSecrets?.value as Record<string, string>).hook04).toBe(keys.hook04);
      expect(after.hook05).toBe(keys.hook05);
      const rotatedDelivery = await deliver(suite.world, "users.u1.create", url("/set/4"));
      expect(rotatedDelivery.headers["x-appwrite-webhook-signature"]).toBe(
        signature(url("/set/4"), rotatedDelivery.body, after.hook04 ?? ""),
      );

      // One entry removed: exactly one DELETE.
      delete spec.webhooks.hook09;
      await stack.setConfig("e2e:set", { value: JSON.stringify(spec) });
      const removed = await requestsDuring(suite.world.emulator, () => upWithPreview(stack), write);
      expect(writesOf(removed)).toEqual([`DELETE /v1/webhooks/${ids.hook09}`]);
      expect(live()).toHaveLength(49);

      // Webhooks made over REST: refresh (one list) reports two; other-tool-* is another tool's.
      const made = { url: url("/console"), events: ["users.*"], enabled: true };
      for (const webhookId of ["console-a", "console-b", "other-tool-1"]) {
        await createOutsidePulumi(suite.world.emulator, PROJECT, API_KEY, {
          ...made,
          webhookId,
          name: webhookId,
        });
      }
      let text = "";
      const refreshed = await requestsDuring(suite.world.emulator, async () => {
        const result = await stack.refresh({ onOutput: (line) => (text += line) });
        expect(result.summary.result).toBe("succeeded");
      });
      expect(refreshed).toEqual(["GET"]);
      expect(text).toMatch(/console-a/);
      expect(text).toMatch(/console-b/);
      expect(text).not.toMatch(/other-tool-1/);
      // A refresh updates the resource's state, not the stack's outputs (those need the program).
      const found = (await suite.stateOf(fixture, "hooks")).unmanagedWebhooks as Array<{ id: string }>;
      expect(found.map((w) => w.id)).toEqual(["console-a", "console-b"]);

      // unmanaged: delete: the preview names them, with no request; up deletes exactly those two.
      spec.unmanaged = "delete";
      await stack.setConfig("e2e:set", { value: JSON.stringify(spec) });
      let previewText = "";
      const previewed = await requestsDuring(suite.world.emulator, async () => {
        previewText = await previewDiff(fixture);
      });
      expect(previewed).toEqual([]);
      expect(previewText).toMatch(/console-a/);
      expect(previewText).toMatch(/console-b/);
      const deleted = await requestsDuring(suite.world.emulator, () => upWithPreview(stack), write);
      expect(writesOf(deleted).sort()).toEqual([
        "DELETE /v1/webhooks/console-a",
        "DELETE /v1/webhooks/console-b",
      ]);
      expect(live().some((w) => w.$id === "other-tool-1")).toBe(true);
      expect(live()).toHaveLength(50);
    } finally {
      await fixture.dispose();
      stacks.splice(stacks.indexOf(fixture), 1);
      // Not the set's: the test removes what it made outside it, whatever the test reached.
      for (const id of ["console-a", "console-b", "other-tool-1"]) {
        await fetch(`${suite.world.emulator.endpoint}/webhooks/${id}`, {
          method: "DELETE",
          headers: { "x-appwrite-project": PROJECT, "x-appwrite-key": API_KEY },
        });
      }
    }
  });
});

describe("examples/webhook-set, as docs/webhook-set.md shows it", () => {
  it("creates both entries, the signups entry with its basic-auth password, and each delivery verifies", async () => {
    const fixture = await openStack({
      program: "examples/webhook-set",
      config: { "appwrite:endpoint": suite.world.emulator.endpoint, "appwrite:projectId": PROJECT },
      secretConfig: { "appwrite:apiKey": API_KEY, "webhook-set:receiverPassword": "receiver-pw-31" },
    });
    try {
      await upWithPreview(fixture.stack);
      const out = await outputs(fixture.stack);
      const ids = out.webhookIds?.value as Record<string, string>;
      const keys = out.secrets?.value as Record<string, string>;
      const signups = live().find((w) => w.$id === ids.signups);
      expect(signups).toMatchObject({ authUsername: "appwrite", authPassword: "receiver-pw-31", tls: true });
      expect(backendText(fixture)).not.toContain("receiver-pw-31");
      for (const [key, path] of [
        ["orders", "/appwrite/orders"],
        ["signups", "/appwrite/users"],
      ] as const) {
        const hookUrl = `https://hooks.example.com${path}`;
        const event =
          key === "orders" ? "databases.d1.collections.c1.documents.x1.create" : "users.u1.create";
        const before = suite.world.receiver.received.length;
        await suite.world.emulator.emit({ projectId: PROJECT, event, payload: { $id: "x1" } });
        const delivery = suite.world.receiver.received.slice(before).find((d) => d.path === path);
        expect(delivery?.headers["x-appwrite-webhook-signature"], key).toBe(
          signature(hookUrl, delivery?.body ?? "", keys[key] ?? ""),
        );
      }
    } finally {
      await fixture.dispose();
    }
  });
});
