/**
 * `WebhookSet` from Pulumi YAML on the real engine, through the plugin, against the emulator:
 * examples/yaml-set (the program docs/any-language.md shows) with entries generated up to 50,
 * one of them with a basic-auth password given as a plain string, as a YAML author writes it.
 * Create, a no-change preview without a request, a one-entry edit (one PUT, and a preview diff
 * that names the entry and field), the example's rotation (one PATCH, the old key in
 * previousSecrets), a removed entry (one DELETE), deliveries that verify with the keys the set
 * outputs, and no key or password in plain text in the backend. Counts span whole commands,
 * `pulumi up` with its preview.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import type { RequestRecord } from "../../emulator";
import { backendText, openStack, provisionEngine, upWithPreview, type StackFixture } from "../support/engine";
import { createOutsidePulumi, requestsDuring } from "../support/outside-pulumi";
import { cli } from "./reliability/support";
import { API_KEY, PROJECT, deliver, outputs, quiet, signature, url, useWorld } from "./fixture";

const suite = useWorld();
const live = () => suite.world.emulator.webhooks(PROJECT);

const EXAMPLE = "examples/yaml-set";
const ENTRIES = 50;
/** A password the program gives as a plain string: the plugin alone makes it a secret. */
const PLAIN_PASSWORD = "pw-yaml-set-plain-7c21";

type Entry = Record<string, unknown>;
interface Program {
  resources: { hooks: { properties: { webhooks: Record<string, Entry> } } };
}

/** The example's program, as the stack's copy holds it. */
const programPath = (fixture: StackFixture) => join(fixture.workDir, "Pulumi.yaml");
const readProgram = (fixture: StackFixture) => parse(readFileSync(programPath(fixture), "utf8")) as Program;
function writeEntries(fixture: StackFixture, webhooks: Record<string, Entry>): void {
  const program = readProgram(fixture);
  program.resources.hooks.properties.webhooks = webhooks;
  writeFileSync(programPath(fixture), stringify(program));
}

/** The example's own entries, and generated ones up to `ENTRIES`; the first has basic auth. */
function fifty(example: Record<string, Entry>): Record<string, Entry> {
  const generated = Array.from({ length: ENTRIES - Object.keys(example).length }, (_, i) => [
    `hook${String(i).padStart(2, "0")}`,
    {
      name: `Hook ${i}`,
      url: url(`/yaml-set/${i}`),
      events: ["teams.*.create"],
      ...(i === 0 ? { authUsername: "hook", authPassword: PLAIN_PASSWORD } : {}),
    },
  ]);
  return { ...example, ...Object.fromEntries(generated) };
}

/** Each write as `METHOD path`; reads (the set's one list after its writes) are left out. */
const writes = async (step: () => Promise<unknown>) =>
  (
    await requestsDuring(suite.world.emulator, step, (request: RequestRecord) =>
      request.method === "GET" ? "GET" : `${request.method} ${request.path.replace(/\?.*$/, "")}`,
    )
  ).filter((request) => request !== "GET");

describe("examples/yaml-set on the real engine, through the plugin", () => {
  it("creates 50, previews no change with 0 requests, edits, rotates and removes one entry each with exactly its request, then reports and deletes unmanaged webhooks", async () => {
    const fixture = await openStack({
      program: EXAMPLE,
      stackName: "yaml-set",
      config: {
        "appwrite-webhooks:endpoint": suite.world.emulator.endpoint,
        "appwrite-webhooks:projectId": PROJECT,
      },
      secretConfig: { "appwrite-webhooks:apiKey": API_KEY },
    });
    const { stack } = fixture;
    try {
      const webhooks = fifty(readProgram(fixture).resources.hooks.properties.webhooks);
      writeEntries(fixture, webhooks);
      const created = await writes(() => upWithPreview(stack));
      expect(created).toHaveLength(ENTRIES);
      expect(created.every((request) => request === "POST /v1/webhooks")).toBe(true);
      expect(live()).toHaveLength(ENTRIES);
      let out = await outputs(stack);
      const ids = out.webhookIds?.value as Record<string, string>;
      const keys = out.signingKeys?.value as Record<string, string>;
      expect(out.signingKeys?.secret).toBe(true);
      expect(Object.keys(keys).sort()).toEqual(Object.keys(webhooks).sort());
      expect(live().find((w) => w.$id === ids.hook00)).toMatchObject({
        authUsername: "hook",
        authPassword: PLAIN_PASSWORD,
      });
      // Every key as Appwrite holds it, and nothing secret in plain text in the backend.
      for (const webhook of live()) {
        const key = Object.keys(ids).find((k) => ids[k] === webhook.$id) ?? "";
        expect(keys[key], key).toBe(webhook.secret);
      }
      const stored = backendText(fixture);
      expect(stored).toContain("ciphertext");
      for (const key of Object.values(keys))
        expect(stored.includes(key), "signing key in plain text").toBe(false);
      expect(stored.includes(PLAIN_PASSWORD), "password in plain text").toBe(false);
      expect(stored.includes(API_KEY), "API key in plain text").toBe(false);

      // A delivery verifies with the key in `secrets`.
      const signups = await deliver(suite.world, "users.u1.create", url("/signups"));
      expect(signups.headers["x-appwrite-webhook-signature"]).toBe(
        signature(url("/signups"), signups.body, keys.signups ?? ""),
      );

      const noChange = await requestsDuring(suite.world.emulator, async () => {
        const preview = await stack.preview(quiet);
        expect(preview.changeSummary).toEqual({ same: 2 });
      });
      expect(noChange).toEqual([]);

      // One entry's URL: the preview names the entry and the field, and up sends one PUT.
      webhooks.hook03 = { ...webhooks.hook03, url: url("/yaml-set/3-moved") };
      writeEntries(fixture, webhooks);
      const diff = await cli(await provisionEngine(), fixture, ["preview", "--diff", "--stack", stack.name]);
      expect(diff.code, diff.stderr).toBe(0);
      expect(diff.stdout).toMatch(/hook03/);
      expect(diff.stdout).toMatch(/url\s*:\s*"[^"]*\/yaml-set\/3"\s*=>\s*"[^"]*\/yaml-set\/3-moved"/);
      expect(diff.stdout).not.toMatch(/hook04/);
      expect(await writes(() => upWithPreview(stack))).toEqual([`PUT /v1/webhooks/${ids.hook03}`]);

      // The example's rotation: one PATCH; the old key moves to previousSecrets.
      await stack.setConfig("ordersRotation", { value: "2" });
      expect(await writes(() => upWithPreview(stack))).toEqual([`PATCH /v1/webhooks/${ids.orders}/secret`]);
      out = await outputs(stack);
      const after = out.signingKeys?.value as Record<string, string>;
      expect(after.orders).not.toBe(keys.orders);
      expect(after.orders).toBe(live().find((w) => w.$id === ids.orders)?.secret);
      expect(out.previousSigningKeys).toEqual({ value: { orders: keys.orders }, secret: true });
      expect(after.signups).toBe(keys.signups);
      const orders = await deliver(
        suite.world,
        "databases.d1.collections.c1.documents.x1.create",
        url("/orders"),
      );
      expect(orders.headers["x-appwrite-webhook-signature"]).toBe(
        signature(url("/orders"), orders.body, after.orders ?? ""),
      );
      expect(backendText(fixture).includes(after.orders ?? ""), "rotated key in plain text").toBe(false);

      // One entry removed: one DELETE.
      delete webhooks.hook09;
      writeEntries(fixture, webhooks);
      expect(await writes(() => upWithPreview(stack))).toEqual([`DELETE /v1/webhooks/${ids.hook09}`]);
      expect(live()).toHaveLength(ENTRIES - 1);

      // Webhooks made over REST: refresh (one list) reports two; console-* is another tool's.
      const made = { url: url("/made"), events: ["users.*"], enabled: true };
      for (const webhookId of ["manual-a", "manual-b", "console-1"]) {
        await createOutsidePulumi(suite.world.emulator, PROJECT, API_KEY, {
          ...made,
          webhookId,
          name: webhookId,
        });
      }
      let printed = "";
      const refreshed = await requestsDuring(suite.world.emulator, () =>
        stack.refresh({ onOutput: (line) => (printed += line) }),
      );
      expect(refreshed).toEqual(["GET"]);
      expect(printed).toMatch(/manual-a/);
      expect(printed).toMatch(/manual-b/);
      expect(printed).not.toMatch(/console-1/);

      // With unmanaged: delete, the preview lists them and up deletes exactly those two.
      const program = readProgram(fixture) as Program & { resources: { hooks: { properties: Entry } } };
      program.resources.hooks.properties.unmanaged = "delete";
      writeFileSync(programPath(fixture), stringify(program));
      const doomed = await cli(await provisionEngine(), fixture, [
        "preview",
        "--diff",
        "--stack",
        stack.name,
      ]);
      expect(doomed.code, doomed.stderr).toBe(0);
      expect(doomed.stdout).toMatch(/- *unmanagedWebhooks/);
      expect(doomed.stdout).toMatch(/manual-a/);
      const deleted = await writes(() => upWithPreview(stack));
      expect(deleted.sort()).toEqual(["DELETE /v1/webhooks/manual-a", "DELETE /v1/webhooks/manual-b"]);
      expect(live().some((w) => w.$id === "console-1")).toBe(true);
    } finally {
      await fixture.dispose();
      // Not the set's to delete: the test removes what it made for another tool.
      if (suite.world.emulator.webhooks(PROJECT).some((w) => w.$id === "console-1")) {
        suite.world.emulator.deleteWebhook("console-1");
      }
    }
  });
});
