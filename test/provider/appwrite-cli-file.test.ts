/**
 * The Appwrite CLI's `appwrite.config.json` as a declaration source and as an export target
 * (provider/gitops/appwrite-cli-file.ts, appwrite-cli-export.ts), without the engine.
 *
 * Expected shapes come from the CLI's source, not from our code: appwrite/sdk-for-cli 25.1.0
 * (commit 5708849, the last TypeScript release before the Go rewrite) `lib/commands/config.ts`
 * `WebhookSchema` (strict: `$id`, `name`, `url`, `events`, optional `enabled` and `tls`),
 * `lib/commands/pull.ts` `pullWebhooks` (entries through `filterBySchema`, so in that order),
 * and `lib/config.ts` (`JSONBig.stringify(data, null, 4)`, no final newline, top-level keys in
 * `CONFIG_KEY_ORDER`, empty resource arrays dropped). The Go rewrite (26.0.0-rc.1,
 * `internal/config/resource.go` `WebhookKeys`, `internal/config/local.go`) keeps all of it.
 * The real CLI of those versions cannot run here: the npm registry this project reaches stops at
 * appwrite-cli 12.0.1 (the devDependency), which predates webhooks in the file (added in 18.0.0),
 * so the fixture test/e2e/fixtures/appwrite.config.json is written by hand to those rules, and
 * the first test checks it against them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AppwriteWebhook } from "../../provider/appwrite/client";
import { toAppwriteCliEntry, writeAppwriteCliWebhooks } from "../../provider/gitops/appwrite-cli-export";
import { checkDeclaration, DeclarationError } from "../../provider/gitops/declaration";
import { REPO_ROOT } from "../support/engine";

const FIXTURE = readFileSync(join(REPO_ROOT, "test/e2e/fixtures/appwrite.config.json"), "utf8");
/** The top-level order the CLI writes (25.1.0 `CONFIG_KEY_ORDER`). */
const CLI_KEY_ORDER = [
  "organizationId",
  "projectId",
  "projectName",
  "endpoint",
  "includes",
  "settings",
  "functions",
  "sites",
  "databases",
  "collections",
  "tablesDB",
  "tables",
  "buckets",
  "teams",
  "webhooks",
  "topics",
  "messages",
];
const PROJECT = { projectId: "shop-cli", endpoint: "https://cloud.appwrite.io/v1" };
const none = () => undefined;

function problemsOf(text: string, source = "appwrite.config.json"): string {
  try {
    checkDeclaration(text, source, none);
  } catch (error) {
    if (error instanceof DeclarationError) return error.message;
    throw error;
  }
  throw new Error("the file was accepted");
}

const cliFile = (webhooks: unknown[], rest: Record<string, unknown> = {}) =>
  JSON.stringify({ projectId: "p", ...rest, webhooks }, null, 4);

describe("the fixture is a file as `appwrite pull webhooks` writes it", () => {
  it("4-space JSON without a final newline, keys in the CLI's order, entries in its schema's order", () => {
    const parsed = JSON.parse(FIXTURE) as Record<string, unknown> & {
      webhooks: Array<Record<string, unknown>>;
    };
    expect(JSON.stringify(parsed, null, 4)).toBe(FIXTURE);
    const keys = Object.keys(parsed);
    expect(keys).toEqual(CLI_KEY_ORDER.filter((key) => keys.includes(key)));
    expect(parsed.webhooks).toHaveLength(5);
    for (const entry of parsed.webhooks) {
      expect(Object.keys(entry)).toEqual(["$id", "name", "url", "events", "enabled", "tls"]);
    }
  });
});

describe("reading the CLI's file", () => {
  it("maps each entry to a declared webhook: $id is the ID, enabled and tls as written, no auth, no key", () => {
    const parsed = checkDeclaration(FIXTURE, "appwrite.config.json", none);
    expect(parsed.format).toBe("appwrite-cli");
    const source = (JSON.parse(FIXTURE) as { webhooks: Array<Record<string, unknown>> }).webhooks;
    expect(parsed.declaration.webhooks).toEqual(
      source.map((entry) => ({
        id: entry.$id,
        name: entry.name,
        url: entry.url,
        events: entry.events,
        enabled: entry.enabled,
        tls: entry.tls,
      })),
    );
  });

  it("an entry without enabled or tls means what `appwrite push` makes of it: Appwrite's defaults, enabled and no TLS check", () => {
    const parsed = checkDeclaration(
      cliFile([{ $id: "a", name: "A", url: "https://hooks.example.com/a", events: ["users.*"] }]),
      "appwrite.json",
      none,
    );
    expect(parsed.declaration.webhooks[0]).toMatchObject({ enabled: true, tls: false });
  });

  it("is recognised by its name, or by a projectId without a version under any name; our file stays ours", () => {
    const text = cliFile([{ $id: "a", name: "A", url: "https://hooks.example.com/a", events: ["users.*"] }]);
    expect(checkDeclaration(text, "deploy/appwrite.json", none).format).toBe("appwrite-cli");
    expect(checkDeclaration(text, "staging.appwrite.json", none).format).toBe("appwrite-cli");
    const ours =
      "version: 1\nwebhooks:\n  - { id: a, name: A, url: 'https://hooks.example.com/a', events: [users.*] }\n";
    expect(checkDeclaration(ours, "webhooks.yaml", none).format).toBeUndefined();
    // Under the CLI's name, a file of ours is read as the CLI's, and says why it does not fit.
    expect(problemsOf(ours, "appwrite.json")).toMatch(/webhooks\[0\]\.id \(line 3\): unknown key "id"/);
  });

  it("ignores the rest of the file (projectId, databases, functions…), whatever it holds", () => {
    const text = cliFile([{ $id: "a", name: "A", url: "https://hooks.example.com/a", events: ["users.*"] }], {
      databases: [{ anything: true }],
      functions: "not even an array",
      settings: { services: { account: false } },
    });
    expect(checkDeclaration(text, "appwrite.config.json", none).declaration.webhooks).toHaveLength(1);
    expect(checkDeclaration(cliFile([]), "appwrite.config.json", none).declaration.webhooks).toEqual([]);
  });

  it("accepts only the CLI's fields: auth, a key or our own fields are errors naming the entry, field and line", () => {
    const message = problemsOf(
      cliFile([
        { $id: "a", name: "A", url: "https://hooks.example.com/a", events: ["users.*"] },
        {
          $id: "b",
          name: "B",
          url: "https://hooks.example.com/b",
          events: ["users.*"],
          authUsername: "u",
          secret: "s3cret-value",
        },
        { id: "c", name: "C", url: "https://hooks.example.com/c", events: ["users.*"], tls: "yes" },
      ]),
    );
    expect(message).toContain("appwrite.config.json: 4 problems");
    expect(message).toMatch(
      /webhooks\[1\]\.authUsername \(line 19\): unknown key "authUsername" \(an Appwrite CLI webhook has only \$id, name, url, events, enabled, tls\)/,
    );
    expect(message).toMatch(/webhooks\[1\]\.secret \(line 20\): unknown key "secret"/);
    expect(message).toMatch(/webhooks\[2\]\.id \(line 23\): unknown key "id"/);
    expect(message).toMatch(/webhooks\[2\]\.\$id \(line 22\): is required/);
    expect(message).toMatch(/webhooks\[2\]\.tls \(line 29\): Invalid input: expected boolean/);
    // The value of a refused field is not repeated in the message.
    expect(message).not.toContain("s3cret-value");
  });

  it("checks the resource's rules in the same pass, naming the CLI's field ($id)", () => {
    const message = problemsOf(
      cliFile([
        { $id: "bad id", name: "A", url: "http://localhost/a", events: [] },
        { $id: "dup", name: "B", url: "https://hooks.example.com/b", events: ["users.*.nope"] },
        { $id: "dup", name: "C", url: "https://hooks.example.com/c", events: ["users.*"] },
      ]),
    );
    expect(message).toMatch(/webhooks\[0\]\.\$id \(line 5\): must be 1–36 characters/);
    expect(message).toMatch(/webhooks\[0\]\.events \(line 8\): must list at least one event/);
    expect(message).toMatch(/webhooks\[0\]\.url \(line 7\): url host "localhost"/);
    expect(message).toMatch(/webhooks\[1\]\.events\[0\] \(line 15\)/);
    expect(message).toMatch(/webhooks\[2\]\.\$id \(line 19\): duplicate id "dup"/);
  });

  it("takes ${…} literally, as the CLI sends it: no template variables in its file", () => {
    const parsed = checkDeclaration(
      cliFile([{ $id: "a", name: "A ${env}", url: "https://hooks.example.com/${env}", events: ["users.*"] }]),
      "appwrite.config.json",
      () => "prod",
    );
    expect(parsed.declaration.webhooks[0]).toMatchObject({ name: "A ${env}" });
  });

  it("reports webhooks moved to an included file instead of reading none", () => {
    const text = JSON.stringify({ projectId: "p", includes: { webhooks: "webhooks.json" } }, null, 4);
    expect(problemsOf(text)).toMatch(
      /includes\.webhooks \(line 4\): webhooks kept in an included file are not read/,
    );
  });
});

describe("writing the CLI's file", () => {
  const entries = (JSON.parse(FIXTURE) as { webhooks: ReturnType<typeof toAppwriteCliEntry>[] }).webhooks;

  it("an entry keeps the CLI's six fields of the API's webhook, in the CLI's order, and nothing else", () => {
    const live: AppwriteWebhook = {
      attempts: 3,
      logs: "",
      secret: "",
      authPassword: "pw",
      authUsername: "user",
      tls: false,
      enabled: true,
      events: ["users.*"],
      url: "https://hooks.example.com/a",
      name: "A",
      $updatedAt: "2026-01-01T00:00:00.000+00:00",
      $createdAt: "2026-01-01T00:00:00.000+00:00",
      $id: "a",
    };
    expect(JSON.stringify(toAppwriteCliEntry(live))).toBe(
      '{"$id":"a","name":"A","url":"https://hooks.example.com/a","events":["users.*"],"enabled":true,"tls":false}',
    );
  });

  it("replaces only the webhooks of an existing file: every other byte stays", () => {
    const stale = JSON.stringify({ ...JSON.parse(FIXTURE), webhooks: [{ $id: "old" }] }, null, 4);
    expect(writeAppwriteCliWebhooks(stale, entries, PROJECT)).toBe(FIXTURE);
  });

  it("adds the key where the CLI puts it (after teams, before topics), and drops it when there are none", () => {
    const { webhooks: _dropped, ...rest } = JSON.parse(FIXTURE) as Record<string, unknown>;
    const without = JSON.stringify(rest, null, 4);
    expect(writeAppwriteCliWebhooks(without, entries, PROJECT)).toBe(FIXTURE);
    expect(writeAppwriteCliWebhooks(FIXTURE, [], PROJECT)).toBe(without);
  });

  it("keeps a hand-edited file's own indentation, key order, line endings and final newline", () => {
    const handEdited = '{\r\n  "webhooks": [],\r\n  "projectId": "p",\r\n  "custom": {"a":1}\r\n}\r\n';
    const written = writeAppwriteCliWebhooks(handEdited, [entries[0]!], PROJECT);
    expect(written).toBe(
      '{\r\n  "webhooks": [\r\n    {\r\n      "$id": "orders",\r\n      "name": "Orders",\r\n' +
        '      "url": "https://hooks.example.com/appwrite/orders",\r\n      "events": [\r\n' +
        '        "databases.*.collections.orders.documents.*.create",\r\n' +
        '        "databases.*.collections.orders.documents.*.update"\r\n      ],\r\n' +
        '      "enabled": true,\r\n      "tls": true\r\n    }\r\n  ],\r\n  "projectId": "p",\r\n  "custom": {"a":1}\r\n}\r\n',
    );
  });

  it("a new file is the project and its webhooks, as the CLI writes it", () => {
    const written = writeAppwriteCliWebhooks(undefined, entries, PROJECT);
    expect(JSON.parse(written)).toEqual({ ...PROJECT, webhooks: entries });
    expect(written).toBe(JSON.stringify(JSON.parse(written), null, 4));
  });

  it("refuses a file that is not a JSON object before writing anything", () => {
    expect(() => writeAppwriteCliWebhooks("version: 1\n", entries, PROJECT)).toThrow(/not a JSON object/);
    expect(() => writeAppwriteCliWebhooks('{"version": 1, "webhooks": []}', entries, PROJECT)).toThrow(
      /a declaration file of this package/,
    );
  });
});
