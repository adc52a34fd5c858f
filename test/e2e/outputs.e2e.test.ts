/**
 * Outputs a program exports must be known when nothing changes: a never-rotated webhook has no
 * previous key, and a no-change preview must still show a definite value, not `[unknown]`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { provisionEngine, REPO_ROOT, type StackFixture } from "../support/engine";
import { outputs, startWorld, url, webhookStack, type World } from "./fixture";

let world: World;
let fixture: StackFixture;

beforeAll(async () => {
  await provisionEngine();
  world = await startWorld();
  fixture = await webhookStack(world, {
    plain: { name: "Plain", url: url("/plain"), events: ["users.*.create"] },
    plainNative: {
      name: "Plain native",
      url: url("/plain-native"),
      events: ["users.*.create"],
      door: "native",
    },
  });
});
afterAll(async () => {
  // The emulator goes away with the stacks: destroying them first would assert nothing.
  fixture?.discard();
  await world?.close();
});

describe("optional outputs on the real engine", () => {
  it("a never-rotated webhook's previousSecret is known on up and on a no-change preview, in both doors", async () => {
    let upText = "";
    await fixture.stack.up({ onOutput: (line) => (upText += line) });
    let previewText = "";
    const preview = await fixture.stack.preview({ onOutput: (line) => (previewText += line) });
    expect(preview.changeSummary).toEqual({ same: 3 });
    // The program exports previousSecret, secretRotatedAt and authPassword, none of which exist yet.
    expect(upText).not.toContain("Undefined value");
    expect(previewText).not.toContain("[unknown]");
    const exported = await outputs(fixture.stack);
    for (const door of ["plain", "plainNative"]) {
      expect(exported[`${door}_previousSecret`]).toEqual({ value: null, secret: true });
      expect(exported[`${door}_secretRotatedAt`]?.value).toBeNull();
      expect(exported[`${door}_authPassword`]?.value).toBeNull();
    }
  });

  it("each webhook keeps its source position in state, though registration drops the SDK's promise stacks", async () => {
    // Registration runs with Error.stackTraceLimit = 0 (provider/dynamic/promise-stacks.ts); the SDK's
    // own capture of where the resource was declared must be untouched by it.
    const { deployment } = (await fixture.stack.exportStack()) as {
      deployment: { resources: { urn: string; sourcePosition?: string }[] };
    };
    const program = readFileSync(join(REPO_ROOT, "test/e2e/programs/webhooks/index.js"), "utf8");
    const line = program.split("\n").findIndex((text) => text.includes("new DOORS[")) + 1;
    for (const name of ["plain", "plainNative"]) {
      const resource = deployment.resources.find((r) => r.urn.endsWith(`::${name}`));
      expect(resource?.sourcePosition).toMatch(new RegExp(`^project:///index\\.js#${line},\\d+$`));
    }
  });
});
