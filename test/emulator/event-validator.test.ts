/**
 * The emulator's `Event` validator against Appwrite's own cases, not against provider code:
 * - every assertion of tests/unit/Event/Validator/EventValidatorTest.php at tag 1.9.6;
 * - names that test asserts valid on the main branch only: 1.9.6's events.php lacks their keys
 *   (tablesdb, documentsdb, vectorsdb; users.*.update.phone and friends), so 1.9.6 rejects them;
 * - the readings of src/Appwrite/Event/Validator/Event.php that its tests do not pin (the action
 *   of a sub-sub name looked up under the sub-resource, keys that are not actions, PHP truthiness);
 * - 1,764 names answered by Appwrite's Event.php itself, run by PHP over the emulator's copy of
 *   events.php (vectors/appwrite-event-validator.php says how they were made).
 */
import { describe, expect, it } from "vitest";
import { isAppwriteEvent } from "../../emulator/validators/event-validator";
import appwriteAnswers from "./vectors/appwrite-event-validator.json";

/** EventValidatorTest::testValues at 1.9.6, assertTrue. */
const VALID_AT_1_9_6 = [
  "users.*.create",
  "users.torsten.update",
  "users.torsten",
  "users.*.update.email",
  "users.*.update",
  "users.*",
  "databases.books.tables.chapters.rows.prolog.create",
  "databases.books.tables.chapters.rows.prolog",
  "databases.books.tables.chapters.rows.*.create",
  "databases.books.tables.chapters.rows.*",
  "databases.books.tables.*.rows.prolog.create",
  "databases.books.tables.*.rows.prolog",
  "databases.books.tables.*.rows.*.create",
  "databases.books.tables.*.rows.*",
  "databases.*.tables.chapters.rows.prolog.create",
  "databases.*.tables.chapters.rows.prolog",
  "databases.*.tables.chapters.rows.*.create",
  "databases.*.tables.chapters.rows.*",
  "databases.*.tables.*.rows.prolog.create",
  "databases.*.tables.*.rows.prolog",
  "databases.*.tables.*.rows.*.create",
  "databases.*.tables.*.rows.*",
  "databases.*.tables.*",
  "databases.*",
  "databases.books",
  "databases.books.tables.chapters",
  "databases.books.tables.*",
  "functions.*",
  "buckets.*",
  "teams.*",
  "teams.*.memberships.*.update.status",
];

/** EventValidatorTest::testValues at 1.9.6, assertFalse. */
const INVALID_AT_1_9_6: unknown[] = [
  false,
  null,
  "",
  "unknown.*",
  "tables",
  "tables.*.unknown",
  "tables.*.rows.*.unknown",
  "users.torsten.unknown",
  "users.torsten.delete.email",
  "teams.*.memberships.*.update.unknown",
];

/** Asserted valid by the same test on main, where events.php gained these keys after 1.9.6. */
const VALID_ON_MAIN_ONLY = [
  "users.*.update.phone",
  "users.*.update.mfa",
  "users.*.update.labels",
  "users.*.update.verification",
  "users.*.update.impersonator",
  "tablesdb.*",
  "tablesdb.books.tables.chapters.rows.prolog.create",
  "tablesdb.books.tables.chapters.columns.name.create",
  "documentsdb.*.collections.*.documents.*.create",
  "vectorsdb.books.collections.chapters.attributes.name.create",
];

describe("the emulator's Event validator (Appwrite 1.9.6)", () => {
  it.each(VALID_AT_1_9_6)("accepts %s, as EventValidatorTest does", (event) => {
    expect(isAppwriteEvent(event)).toBe(true);
  });

  it.each(INVALID_AT_1_9_6)("rejects %j, as EventValidatorTest does", (event) => {
    expect(isAppwriteEvent(event)).toBe(false);
  });

  it.each(VALID_ON_MAIN_ONLY)("rejects %s, which only main's events.php lists", (event) => {
    expect(isAppwriteEvent(event)).toBe(false);
  });

  it("looks the action of a sub-sub name up under the sub-resource, so upsert fails", () => {
    expect(isAppwriteEvent("databases.*.collections.*.documents.*.create")).toBe(true);
    expect(isAppwriteEvent("databases.*.collections.*.documents.*.upsert")).toBe(false);
    expect(isAppwriteEvent("databases.*.tables.*.rows.*.upsert")).toBe(false);
    // Tables have no upsert either; only rows (never consulted for an action) have one.
    expect(isAppwriteEvent("databases.*.tables.*.upsert")).toBe(false);
  });

  it("accepts any key of a node as an action: child resource names and $ metadata", () => {
    expect(isAppwriteEvent("users.*.sessions")).toBe(true);
    expect(isAppwriteEvent("databases.*.collections")).toBe(true);
    expect(isAppwriteEvent("databases.*.collections.*.documents")).toBe(true);
    expect(isAppwriteEvent("users.*.$model")).toBe(true);
  });

  it("reads segments with PHP truthiness: '' and '0' count as absent", () => {
    expect(isAppwriteEvent("users.0")).toBe(false);
    expect(isAppwriteEvent("users.")).toBe(false);
    expect(isAppwriteEvent(".*")).toBe(false);
    expect(isAppwriteEvent("users.*.create.")).toBe(true);
    expect(isAppwriteEvent("users.*.0")).toBe(true);
    expect(isAppwriteEvent("users.*.sessions.0")).toBe(false);
  });

  it("takes 2 to 7 segments and literal names outside ID positions", () => {
    expect(isAppwriteEvent("users")).toBe(false);
    expect(isAppwriteEvent("*")).toBe(false);
    expect(isAppwriteEvent("*.*")).toBe(false);
    expect(isAppwriteEvent("users.*.*")).toBe(false);
    expect(isAppwriteEvent("a.b.c.d.e.f.g.h")).toBe(false);
    expect(isAppwriteEvent("databases.*.collections.*.documents.*.create.x")).toBe(false);
    expect(isAppwriteEvent("users.*.sessions.*.update")).toBe(false);
    expect(isAppwriteEvent("webhooks.*")).toBe(false);
    expect(isAppwriteEvent("account.*")).toBe(false);
  });

  it("never finds JavaScript built-ins as keys of events.php", () => {
    expect(isAppwriteEvent("constructor.*")).toBe(false);
    expect(isAppwriteEvent("users.*.constructor")).toBe(false);
    expect(isAppwriteEvent("users.*.update.__proto__")).toBe(false);
    expect(isAppwriteEvent("__proto__.*")).toBe(false);
  });

  it("answers as Appwrite's Event.php, run by PHP, for every generated name", () => {
    const vectors = appwriteAnswers.vectors as Array<[string, boolean | "TypeError"]>;
    expect(vectors.length).toBeGreaterThan(1000);
    const disagreements = vectors
      // PHP raises a TypeError (a 500) where it indexes a missing action; the emulator says "not valid".
      .map(([name, answer]) => ({
        name,
        php: answer === "TypeError" ? false : answer,
        emulator: isAppwriteEvent(name),
      }))
      .filter(({ php, emulator }) => php !== emulator);
    expect(disagreements).toEqual([]);
    // Both answers occur, so a validator that always says yes (or no) fails.
    expect(new Set(vectors.map(([, answer]) => answer))).toEqual(new Set([true, false, "TypeError"]));
  });
});
