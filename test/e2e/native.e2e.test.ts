/**
 * What only the plugin's door can do, on the real engine against the emulator: `pulumi import`
 * of a webhook made outside Pulumi (no silent rotation afterwards), and a checkpoint without a
 * serialized provider, measured beside the dynamic door's.
 */
import { execFile } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, provisionEngine, upWithPreview, type StackFixture } from "../support/engine";
import { DOORS, TYPES, bothDoors, doorUrl, n } from "./doors";
import { API_KEY, PROJECT, declare, outputs, quiet, url, useWorld } from "./fixture";
import { createOutsidePulumi } from "../support/outside-pulumi";

const suite = useWorld();
const { stackWith, stateOf } = suite;
const liveById = (id: unknown) => suite.world.emulator.webhooks(PROJECT).find((w) => w.$id === id);
let engineBin: string;
beforeAll(async () => {
  engineBin = await provisionEngine();
});

describe("NativeWebhook on the real engine", () => {
  it("pulumi import reads by ID; a matching program then changes nothing, and a rotation trigger makes the key known", async () => {
    const fixture = await stackWith({});
    const handMade = { name: "By hand", url: doorUrl("native", "/imported"), events: ["users.*.create"] };
    await createOutsidePulumi(suite.world.emulator, PROJECT, API_KEY, {
      webhookId: "imported-by-id",
      enabled: true,
      tls: true,
      ...handMade,
    });
    const handKey = liveById("imported-by-id")?.secret;
    const imported = await promisify(execFile)(
      join(engineBin, "pulumi"),
      ["import", TYPES.native, "imported", "imported-by-id", "--yes", "--protect=false", "--stack", "e2e"],
      { cwd: fixture.workDir, env: { ...process.env, ...fixture.env } },
    );
    // Without --generate-code=false, the CLI prints the program to add: Pulumi's own TypeScript
    // generator, run by the Node language host, declaring the webhook with the plugin's classes.
    expect(imported.stdout).toContain(
      'import * as appwrite_webhooks from "pulumi-appwrite-webhooks/plugin";',
    );
    expect(imported.stdout).toMatch(
      /new appwrite_webhooks\.Webhook\("imported", \{[^}]*\bname: "By hand",[^}]*\bwebhookId: "imported-by-id",/,
    );
    // The printed code follows the provider's endpoint and project rather than pinning them.
    expect(imported.stdout).not.toMatch(/\bendpoint:|\bprojectId:/);
    await typeCheck(fixture.workDir, imported.stdout.slice(imported.stdout.indexOf("import * as pulumi")));
    expect(await stateOf(fixture, "imported")).toMatchObject({
      webhookId: "imported-by-id",
      secretSource: "unknown",
    });
    // The program declares what the server holds, without a rotation: nothing to do, no request.
    await declare(fixture.stack, { imported: { door: "native", ...handMade } });
    suite.world.emulator.resetCounters();
    const preview = await fixture.stack.preview(quiet);
    expect(preview.changeSummary).toEqual({ same: 2 });
    expect(suite.world.emulator.counters().total ?? 0).toBe(0);
    const quietUp = await fixture.stack.up(quiet);
    expect(quietUp.summary.resourceChanges).toEqual({ same: 2 });
    expect(liveById("imported-by-id")?.secret, "a plain up must not rotate an imported key").toBe(handKey);
    // The next rotation trigger sets a key the provider knows: one PATCH, no PUT.
    await declare(fixture.stack, { imported: { door: "native", ...handMade, rotationTrigger: 1 } });
    suite.world.emulator.resetCounters();
    await upWithPreview(fixture.stack);
    expect(suite.world.emulator.counters()).toMatchObject({ total: 1, "PATCH /v1/webhooks/:id/secret": 1 });
    expect(suite.world.emulator.counters()["PUT /v1/webhooks/:id"] ?? 0).toBe(0);
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
    // The dynamic door stores its provider text twice (inputs and outputs) and its resource
    // hash; the native door stores neither.
    expect(sizes.native).toBeLessThan(sizes.dynamic ?? 0);
  });
});

/**
 * Type-checks `code` as a TypeScript file of a program in `dir` (under the repository, so the
 * package resolves to itself by name), strictly, with the repository's TypeScript.
 */
async function typeCheck(dir: string, code: string): Promise<void> {
  const file = join(dir, "imported.ts");
  writeFileSync(file, code);
  const tsc = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
  const flags = ["--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext", "--target", "es2022"];
  await promisify(execFile)(process.execPath, [tsc, ...flags, file]).catch((error: { stdout?: string }) => {
    throw new Error(`the code pulumi import printed does not type-check:\n${error.stdout ?? String(error)}`);
  });
}

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
