import { describe, expect, it } from "vitest";
import {
  DeclarationError,
  declarationJsonSchema,
  parseDeclaration,
  renderDeclaration,
  validateRendered,
} from "../../provider/gitops/declaration";

const good = `version: 1
variables:
  env: dev
webhooks:
  - id: orders
    name: Orders
    url: https://\${env}.hooks.example.com/appwrite
    events: [users.*.create]
    auth:
      username: appwrite
      passwordConfig: receiverPassword
    secret:
      fromConfig: ordersSecret
`;

/** Parses, renders and validates as defineWebhooks does; returns the problems or []. */
function problems(text: string, variables: Record<string, string> = {}): string[] {
  try {
    const parsed = parseDeclaration(text, "webhooks.yaml");
    validateRendered(
      parsed,
      renderDeclaration(parsed, (name) => variables[name]),
    );
    return [];
  } catch (error) {
    if (error instanceof DeclarationError) return error.problems;
    throw error;
  }
}

const webhook = (body: string) => `version: 1\nwebhooks:\n  - id: a\n    name: A\n${body}`;
const minimal = (extra = "") =>
  webhook(`    url: https://hooks.example.com/a\n    events: [users.*]\n${extra}`);

describe("declaration file", () => {
  it("accepts a good file and renders templates from variables", () => {
    const parsed = parseDeclaration(good);
    expect(problems(good)).toEqual([]);
    expect(renderDeclaration(parsed, () => undefined)[0]?.url).toBe("https://dev.hooks.example.com/appwrite");
    expect(renderDeclaration(parsed, (name) => (name === "env" ? "prod" : undefined))[0]?.url).toBe(
      "https://prod.hooks.example.com/appwrite",
    );
  });

  it.each([
    ["missing version", "webhooks: []\n", /^version \(line 1\)|^\(file\).*version|version/],
    ["wrong version", "version: 2\nwebhooks: []\n", /version \(line 1\): /],
    ["unknown top-level key", "version: 1\nwebhook: []\n", /webhook \(line 2\): unknown key "webhook"/],
    [
      "unknown webhook key",
      minimal("    colour: blue\n"),
      /webhooks\[0\]\.colour \(line 7\): unknown key "colour"/,
    ],
    [
      "events empty",
      webhook("    url: https://hooks.example.com/a\n    events: []\n"),
      /webhooks\[0\]\.events \(line 6\): must list at least one event/,
    ],
    [
      "bad event",
      webhook("    url: https://hooks.example.com/a\n    events: [users.*.creat]\n"),
      /webhooks\[0\]\.events\[0\] \(line 6\):.*did you mean "users\.\*\.create"/,
    ],
    [
      "private url",
      webhook("    url: http://localhost/a\n    events: [users.*]\n"),
      /webhooks\[0\]\.url \(line 5\): url host "localhost"/,
    ],
    [
      "ip url",
      webhook("    url: https://10.1.2.3/a\n    events: [users.*]\n"),
      /webhooks\[0\]\.url \(line 5\):.*IP address/,
    ],
    [
      "bad id",
      `version: 1\nwebhooks:\n  - id: _a\n    name: A\n    url: https://hooks.example.com/a\n    events: [users.*]\n`,
      /webhooks\[0\]\.id \(line 3\): must be 1–36 characters/,
    ],
    [
      "duplicate id",
      `${minimal()}  - id: a\n    name: B\n    url: https://hooks.example.com/b\n    events: [users.*]\n`,
      /webhooks\[1\]\.id \(line 7\): duplicate id "a"/,
    ],
    [
      "inline password",
      minimal("    auth:\n      username: u\n      password: hunter2\n"),
      /webhooks\[0\]\.auth\.password \(line 9\): unknown key "password"/,
    ],
    [
      "password config missing",
      minimal("    auth:\n      username: u\n"),
      /webhooks\[0\]\.auth\.passwordConfig \(line 8\): is required/,
    ],
    ["bad config key", minimal("    secret:\n      fromConfig: 'has space'\n"), /webhooks\[0\]\.secret/],
    ["unknown secret policy", minimal("    secret: reuse\n"), /webhooks\[0\]\.secret \(line 7\)/],
    [
      "undefined template variable",
      webhook("    url: https://\${region}.hooks.example.com/a\n    events: [users.*]\n"),
      /webhooks\[0\]\.url \(line 5\): template variable \$\{region\} is not defined/,
    ],
    [
      "name too long",
      webhook(`    url: https://hooks.example.com/a\n    events: [users.*]\n`).replace(
        "name: A",
        `name: ${"n".repeat(129)}`,
      ),
      /webhooks\[0\]\.name \(line 4\): name must be 1–128 characters/,
    ],
    ["enabled not boolean", minimal("    enabled: 'yes'\n"), /webhooks\[0\]\.enabled \(line 7\)/],
    ["duplicate key", minimal("    url: https://hooks.example.com/b\n"), /Map keys must be unique.*line 7/],
    ["not yaml", "version: 1\nwebhooks: [\n", /line/],
    [
      "variables not strings",
      "version: 1\nvariables:\n  port: 8080\nwebhooks: []\n",
      /variables\.port \(line 3\)/,
    ],
  ])("rejects a file with %s", (_label, text, expected) => {
    const found = problems(text);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join("\n")).toMatch(expected);
  });

  it("accepts rotationTrigger next to fromConfig, templates rendered, so a declared key can be set again", () => {
    const text = minimal("    secret: { fromConfig: ordersKey, rotationTrigger: 'restore-${round}' }\n");
    expect(problems(text, { round: "2" })).toEqual([]);
    const parsed = parseDeclaration(text);
    expect(renderDeclaration(parsed, (name) => (name === "round" ? "2" : undefined))[0]?.secret).toEqual({
      fromConfig: "ordersKey",
      rotationTrigger: "restore-2",
    });
  });

  it("exports a JSON Schema that forbids unknown keys", () => {
    const schema = declarationJsonSchema() as {
      properties: { webhooks: { items: { additionalProperties: boolean } } };
    };
    expect(schema.properties.webhooks.items.additionalProperties).toBe(false);
  });
});
