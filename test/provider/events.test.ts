import { describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator";
import catalog from "../../provider/lifecycle/appwrite-events-1.9.6.json";
import { check } from "../../provider/lifecycle/check";
import { create } from "../../provider/lifecycle/create";
import { isValidEvent, suggestEvent } from "../../provider/lifecycle/events";
import { API_KEY, PROJECT, baseArgs, checkedInputs } from "./fixtures";

describe("Appwrite 1.9.6 event validator", () => {
  it("accepts every pattern the 1.9.6 tree describes as subscribable", () => {
    const rejected = catalog.patterns.accepted.filter((event) => !isValidEvent(event));
    expect(rejected).toEqual([]);
    expect(catalog.patterns.accepted.length).toBeGreaterThan(100);
  });

  it("rejects the tree patterns the validator rejects (upsert at the sub-sub level)", () => {
    for (const event of catalog.patterns.rejected) expect(isValidEvent(event), event).toBe(false);
  });

  it.each(catalog.validatorBehaviour.acceptedButNeverGenerated)("keeps the quirk: accepts %s", (event) => {
    expect(isValidEvent(event)).toBe(true);
  });

  it.each(catalog.validatorBehaviour.rejectedExamples)("rejects %s", (event) => {
    expect(isValidEvent(event)).toBe(false);
  });

  it("treats concrete ids like wildcards", () => {
    expect(isValidEvent("users.u1.create")).toBe(true);
    expect(isValidEvent("buckets.b1.files.f1.update")).toBe(true);
    expect(isValidEvent("databases.db.collections.c.documents.d.create")).toBe(true);
  });

  it("follows PHP truthiness: a resource id of '0' is rejected, an empty attribute is ignored", () => {
    expect(isValidEvent("users.0")).toBe(false);
    expect(isValidEvent("users.0.create")).toBe(false);
    expect(isValidEvent("users.*.create.")).toBe(true);
    expect(isValidEvent("users.*.update.")).toBe(true);
  });

  it("rejects non-strings", () => {
    expect(isValidEvent(null)).toBe(false);
    expect(isValidEvent(false)).toBe(false);
    expect(isValidEvent(42)).toBe(false);
  });

  it("knows the main-branch additions only when asked for them", () => {
    expect(isValidEvent("users.*.update.labels")).toBe(false);
    expect(isValidEvent("users.*.update.labels", "main")).toBe(true);
    expect(isValidEvent("tablesdb.*.tables.*.rows.*.create", "main")).toBe(true);
    expect(isValidEvent("tablesdb.*")).toBe(false);
  });

  it("suggests a near pattern for a typo", () => {
    expect(suggestEvent("users.*.creat")).toBe("users.*.create");
  });
});

describe('eventValidation: "main" against a server built from Appwrite\'s main branch', () => {
  const MAIN_ONLY = ["tablesdb.*.tables.*.rows.*.create", "users.*.update.phone"];

  it("creates a webhook on the newer events that 1.9.6's rule refuses at check, before any request", async () => {
    const emulator = await startEmulator({
      appwrite: "next",
      projects: [{ id: PROJECT, keys: [{ key: API_KEY }] }],
    });
    try {
      const refused = check(
        {},
        { ...baseArgs, endpoint: emulator.endpoint, projectId: PROJECT, apiKey: API_KEY, events: MAIN_ONLY },
      );
      expect(refused.failures.map((failure) => failure.property)).toEqual(["events", "events"]);
      expect(emulator.counters().total).toBe(0);

      const created = await create(
        checkedInputs(emulator.endpoint, { events: MAIN_ONLY, eventValidation: "main" }),
      );
      expect(created.outs.events).toEqual(MAIN_ONLY);
      expect(emulator.webhooks(PROJECT).map((webhook) => webhook.events)).toEqual([MAIN_ONLY]);
    } finally {
      await emulator.close();
    }
  });
});
