/**
 * What a pull-request reviewer reads in `pulumi preview --diff`, on the real engine: a change to
 * a secret input alone names the property and shows no value, and events compare as a set (an
 * added event is an add, a removed one a delete, a reorder no change). The plugin door carries
 * the lifecycle's detailed diff; the dynamic door's host (@pulumi/pulumi 3.276) forwards only
 * whether there are changes and replaces, so there the engine shows its own diff, and the test
 * pins what that shows (no secret value; a reorder is still no change).
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionEngine, type StackFixture } from "../support/engine";
import { bothDoors, bothDoorsSecrets, n } from "./doors";
import { declare, startWorld, url, webhookStack, type World, quiet } from "./fixture";

let world: World;
let fixture: StackFixture;

const OLD_PASSWORD = "old-password-7d1c9e";
const NEW_PASSWORD = "new-password-40b2fa";
const spec = (events: string[]) =>
  bothDoors({
    reviewed: {
      name: "Reviewed",
      url: url("/reviewed"),
      events,
      authUsername: "appwrite",
      useAuthPassword: true,
    },
  });
const A = "users.*.create";
const B = "buckets.*";
const C = "teams.*";

beforeAll(async () => {
  await provisionEngine();
  world = await startWorld();
  fixture = await webhookStack(
    world,
    spec([A, B]),
    bothDoorsSecrets({ reviewed: { authPassword: OLD_PASSWORD } }),
  );
  await fixture.stack.up(quiet);
});
afterAll(async () => {
  // The emulator goes away with the stacks: destroying them first would assert nothing.
  fixture?.discard();
  await world?.close();
});

interface Step {
  op: string;
  diffs: string[];
  detailedDiff: Record<string, { diffKind: string }>;
}

/** `pulumi preview --diff`: its text and, per resource name, the step the engine reported. */
async function preview(): Promise<{ text: string; steps: Record<string, Step> }> {
  let text = "";
  const steps: Record<string, Step> = {};
  await fixture.stack.preview({
    diff: true,
    onOutput: (line) => (text += line),
    onEvent: (event: EngineEvent) => {
      const metadata = event.resourcePreEvent?.metadata;
      if (!metadata) return;
      steps[metadata.urn.split("::").pop() ?? ""] = {
        op: metadata.op,
        diffs: metadata.diffs ?? [],
        detailedDiff: metadata.detailedDiff ?? {},
      };
    },
  });
  return { text, steps };
}

/**
 * The lines `--diff` prints for one resource: its header (the line before its `[urn=…]`) up to
 * the next resource's header or the outputs.
 */
function block(text: string, name: string): string {
  const lines = text.split("\n");
  const urn = lines.findIndex(
    (line) => line.trim().startsWith("[urn=") && line.trim().endsWith(`::${name}]`),
  );
  if (urn < 1) throw new Error(`no resource ${name} in the preview:\n${text}`);
  const header = /^\s*[~+-]?\s*[\w-]+(:[\w/.-]+)+: \(|--outputs:--|^Resources:/;
  const end = lines.findIndex((line, index) => index > urn && header.test(line));
  return lines.slice(urn - 1, end < 0 ? undefined : end).join("\n");
}

/** Previews the change, then applies it, so the next case starts from it whatever this one finds. */
async function previewThenUp(): Promise<Awaited<ReturnType<typeof preview>>> {
  try {
    return await preview();
  } finally {
    await fixture.stack.up(quiet);
  }
}

describe("the preview a reviewer reads", () => {
  it("a new basic-auth password alone: an update that names authPassword, with no secret shown", async () => {
    await fixture.stack.setConfig("e2e:secrets", {
      value: JSON.stringify(bothDoorsSecrets({ reviewed: { authPassword: NEW_PASSWORD } })),
      secret: true,
    });
    const { text, steps } = await previewThenUp();
    expect(text).not.toContain(OLD_PASSWORD);
    expect(text).not.toContain(NEW_PASSWORD);
    expect(JSON.stringify(steps)).not.toMatch(/password-/);
    expect(steps[n("reviewed", "native")]).toMatchObject({
      op: "update",
      diffs: ["authPassword"],
      detailedDiff: { authPassword: { diffKind: "update" } },
    });
    expect(block(text, n("reviewed", "native"))).toMatch(/~ authPassword: \[secret\] => \[secret\]/);
    // The dynamic door: an update, but its host cannot say of what (see the header).
    expect(steps[n("reviewed", "dynamic")]?.op).toBe("update");
  });

  it("events [a, b] to [b, c]: c added, a removed", async () => {
    await declare(fixture.stack, spec([B, C]));
    const { text, steps } = await previewThenUp();
    expect(steps[n("reviewed", "native")]).toMatchObject({
      op: "update",
      diffs: ["events"],
      detailedDiff: { "events[0]": { diffKind: "delete" }, "events[1]": { diffKind: "add" } },
    });
    const native = block(text, n("reviewed", "native"));
    expect(native).toMatch(new RegExp(`- \\[0\\]: "${A.replace(/[.*]/g, "\\$&")}"`));
    expect(native).toMatch(new RegExp(`\\+ \\[1\\]: "${C.replace(/[.*]/g, "\\$&")}"`));
    // b stayed: it is neither added nor removed.
    expect(native).not.toMatch(new RegExp(`[-+~] \\[\\d\\]: "${B.replace(/[.*]/g, "\\$&")}"`));
    expect(steps[n("reviewed", "dynamic")]?.op).toBe("update");
  });

  it("events [b, c] to [c, b]: no change, on both doors", async () => {
    await declare(fixture.stack, spec([C, B]));
    const { steps } = await preview();
    expect(steps[n("reviewed", "native")]?.op).toBe("same");
    expect(steps[n("reviewed", "dynamic")]?.op).toBe("same");
  });
});
