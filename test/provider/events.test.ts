import { describe, expect, it } from "vitest";
import catalog from "../../provider/lifecycle/appwrite-events-1.9.6.json";
import { isValidEvent, suggestEvent } from "../../provider/lifecycle/events";

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
