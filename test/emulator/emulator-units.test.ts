/**
 * Unit checks of the emulator's PHP-compatibility pieces, pinned to Appwrite's own numbers:
 * generateEvents counts (from tests/unit/Event/EventTest.php), json_encode spelling, PHP query
 * strings, and the URL rule. They need no server, so they run in both modes.
 */
import { describe, expect, it } from "vitest";
import { eventsForTrigger, generateEvents } from "../../emulator/delivery/generate-events";
import { decodeJsonParams, parsePhpQuery } from "../../emulator/http/http-io";
import { mbStrcut, mbStrlen, phpJsonEncode } from "../../emulator/php/php-builtins";
import { phpValidateUrl, PublicDomainValidator, UrlValidator } from "../../emulator/validators/url-validator";

describe("generateEvents", () => {
  it("users.u1.create → 4", () => {
    expect(eventsForTrigger("users.u1.create")).toEqual([
      "users.u1.create",
      "users.*.create",
      "users.u1",
      "users.*",
    ]);
  });

  it("users.u1.update.email → 6, with and without the attribute", () => {
    const events = eventsForTrigger("users.u1.update.email");
    expect(events).toHaveLength(6);
    expect(new Set(events)).toEqual(
      new Set([
        "users.u1.update.email",
        "users.*.update.email",
        "users.u1.update",
        "users.*.update",
        "users.u1",
        "users.*",
      ]),
    );
  });

  it("buckets.b1.files.f1.create → 10", () => {
    const events = eventsForTrigger("buckets.b1.files.f1.create");
    expect(events).toHaveLength(10);
    expect(events).toEqual(
      expect.arrayContaining([
        "buckets.*.files.*.create",
        "buckets.*.files.*",
        "buckets.b1",
        "buckets.*",
        "buckets.b1.files.*.create",
        "buckets.*.files.f1",
      ]),
    );
  });

  it("a document create in a legacy database → 42, both spellings", () => {
    const events = eventsForTrigger("databases.db1.collections.c1.documents.d1.create");
    expect(events).toHaveLength(42);
    expect(events).toEqual(
      expect.arrayContaining([
        "databases.*.collections.*.documents.*.create",
        "databases.*.tables.*.rows.*.create",
        "databases.db1.tables.c1.rows.d1",
        "databases.*.tables.c1.rows.*.create",
        "databases.db1",
        "databases.*",
      ]),
    );
    // The same counts as Appwrite's unit test, which uses the tables spelling and named placeholders.
    const fromPattern = generateEvents("databases.[databaseId].tables.[tableId].rows.[rowId].create", {
      databaseId: "chaptersDB",
      tableId: "chapters",
      rowId: "prolog",
    });
    expect(fromPattern).toHaveLength(42);
    expect(fromPattern).toContain("databases.chaptersDB.collections.chapters.documents.prolog.create");
    expect(
      generateEvents("tables.[tableId].rows.[rowId].create", { tableId: "chapters", rowId: "prolog" }),
    ).toHaveLength(10);
  });

  it("a membership status update also yields the unsubscribable teams.*.update.status", () => {
    expect(eventsForTrigger("teams.t1.memberships.m1.update.status")).toEqual(
      expect.arrayContaining(["teams.t1.update.status", "teams.*.update.status"]),
    );
  });

  it("throws when a placeholder has no value", () => {
    expect(() => generateEvents("tables.[tableId].rows.[rowId].create", { tableId: "chapters" })).toThrow(
      /missing from the params/,
    );
  });
});

describe("PHP compatibility", () => {
  it("json_encode escapes slashes and, by default, non-ASCII as \\uXXXX with surrogate pairs", () => {
    const value = {
      url: "https://a/b",
      name: "Zoë 😀",
      n: 1.5,
      big: 1e25,
      list: [],
      empty: {},
      nil: null,
      ctl: "\u0001\t\u2028",
    };
    expect(phpJsonEncode(value)).toBe(
      '{"url":"https:\\/\\/a\\/b","name":"Zo\\u00eb \\ud83d\\ude00","n":1.5,"big":1.0e+25,"list":[],"empty":{},"nil":null,"ctl":"\\u0001\\t\\u2028"}',
    );
    expect(phpJsonEncode({ name: "Zoë\u2028" }, { unescapedUnicode: true })).toBe('{"name":"Zoë\\u2028"}');
  });

  it("counts code points and cuts on UTF-8 boundaries", () => {
    expect(mbStrlen("😀é")).toBe(2);
    expect(mbStrcut(Buffer.from("aé"), 2)).toBe("a");
    expect(mbStrcut(Buffer.from("aé"), 3)).toBe("aé");
  });

  it("parses node-appwrite's query strings the way PHP does", () => {
    expect(parsePhpQuery("queries%5B0%5D=%7B%7D&queries%5B1%5D=x&total=false")).toEqual({
      queries: { 0: "{}", 1: "x" },
      total: "false",
    });
    expect(parsePhpQuery("a[]=1&a[]=2&b.c=3&d=%zz+e")).toEqual({
      a: { 0: "1", 1: "2" },
      b_c: "3",
      d: "%zz e",
    });
  });

  it("decodes bodies like utopia-php/http: undecodable or scalar JSON is no parameters", () => {
    expect(decodeJsonParams(Buffer.from("[]"))).toEqual({});
    expect(decodeJsonParams(Buffer.from('["a"]'))).toEqual({ 0: "a" });
    expect(decodeJsonParams(Buffer.from("{bad"))).toEqual({});
    expect(decodeJsonParams(Buffer.from("42"))).toEqual({});
    expect(decodeJsonParams(Buffer.from('{"a":"\\ud800"}'))).toEqual({});
    expect(decodeJsonParams(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))).toEqual({});
  });

  it("validates URLs like FILTER_VALIDATE_URL plus PublicDomain", () => {
    const url = new UrlValidator(["http", "https"]);
    const production = new PublicDomainValidator("production");
    const development = new PublicDomainValidator("development");
    expect(phpValidateUrl("https://hooks.example.com./x")).toBe(true);
    expect(production.isValid("https://hooks.example.com./x")).toBe(false);
    expect(url.isValid("https://[::1]:8080/x")).toBe(true);
    expect(production.isValid("https://[::1]:8080/x")).toBe(false);
    expect(url.isValid("https://-bad.example.com/")).toBe(false);
    expect(url.isValid("https://a..example.com/")).toBe(false);
    expect(url.isValid(`https://${"a".repeat(64)}.example.com/`)).toBe(false);
    expect(production.isValid("http://request-catcher-webhook/x")).toBe(false);
    expect(development.isValid("http://request-catcher-webhook/x")).toBe(true);
    expect(production.isValid("https://foo.github.io/x")).toBe(true);
  });
});
