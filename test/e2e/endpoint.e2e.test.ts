/**
 * A stack whose endpoint setting changes to another address of the same server, on the real
 * engine, for both doors and for derived and declared (GitOps) IDs: `127.0.0.1` → `localhost`
 * here, Appwrite Cloud's global → regional hostname in the field. The stack must move on: an
 * update per webhook that costs one read, the same webhooks and keys, and an empty plan after.
 */
import { describe, expect, it } from "vitest";
import { upWithPreview } from "../support/engine";
import { assertConverged, webhookStates, type Declared } from "./reliability/support";
import { PROJECT, quiet, url, useWorld } from "./fixture";

const suite = useWorld();

describe("a new address for the same server", () => {
  it("updates in place with one read per webhook, keeps every webhook and key, and the next preview is empty", async () => {
    const declared: Record<string, Declared> = {
      derived: { name: "derived", url: url("/derived"), events: ["users.*.create"] },
      declared: {
        name: "declared",
        url: url("/declared"),
        events: ["users.*.create"],
        webhookId: "ci-orders",
      },
      nativeDerived: { name: "native derived", url: url("/nd"), events: ["users.*.create"], door: "native" },
      nativeDeclared: {
        name: "native declared",
        url: url("/ndecl"),
        events: ["users.*.create"],
        webhookId: "ci-signups",
        door: "native",
      },
    };
    const fixture = await suite.stackWith(declared);
    const { emulator } = suite.world;
    await fixture.stack.up(quiet);
    const before = new Map(emulator.webhooks(PROJECT).map((w) => [w.$id, w]));

    const alias = emulator.endpoint.replace("127.0.0.1", "localhost");
    await fixture.stack.setAllConfig({
      "appwrite:endpoint": { value: alias },
      "appwrite-webhooks:endpoint": { value: alias },
    });
    emulator.resetCounters();
    // `up` with its preview, as users run it; the preview itself makes no request.
    const up = await upWithPreview(fixture.stack);
    // The plugin's provider resource itself changes config too: it is an update of its own.
    expect(up.summary.resourceChanges).toMatchObject({ update: 4 });
    expect(up.summary.resourceChanges?.replace ?? 0).toBe(0);
    const writes = Object.entries(emulator.counters()).filter(
      ([route, count]) => route.includes(" /v1/") && count > 0 && !route.startsWith("GET "),
    );
    expect(writes).toEqual([]);
    expect(emulator.counters()["GET /v1/webhooks/:id"]).toBe(4);

    const after = emulator.webhooks(PROJECT);
    expect(after.map((w) => [w.$id, w.$createdAt, w.secret]).sort()).toEqual(
      [...before.values()].map((w) => [w.$id, w.$createdAt, w.secret]).sort(),
    );
    for (const state of await webhookStates(fixture.stack)) {
      expect(state.outputs.endpoint).toBe(alias);
    }
    await assertConverged(suite.world, [{ stack: fixture.stack, declared }]);
    expect((await fixture.stack.preview(quiet)).changeSummary).not.toHaveProperty("update");
  });
});
