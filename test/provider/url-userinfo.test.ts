/**
 * Credentials in a webhook URL (`user:pw@`): Appwrite accepts them and its curl sends them as
 * basic auth, but the URL is a plain-text input and output, so `check` refuses them, in the
 * resource and in the declaration file alike, `export` moves them to auth fields, and a
 * `WebhookSet` records and reports an unmanaged webhook's URL without them.
 */
import { describe, expect, it } from "vitest";
import type { AppwriteWebhook } from "../../provider/appwrite/client";
import { DeclarationError, parseDeclaration, validateRendered } from "../../provider/gitops/declaration";
import { toDeclared } from "../../provider/gitops/export";
import { check } from "../../provider/lifecycle/check";
import { findUnmanaged, unmanagedWarning } from "../../provider/lifecycle/webhook-set/unmanaged";

const PASSWORD = "pa55-w0rd-never-echoed";
const connection = { endpoint: "https://cloud.example.com/v1", projectId: "p", apiKey: "k" };
const args = (url: string) => ({ ...connection, name: "n", url, events: ["users.*.create"] });

describe("check refuses URL userinfo", () => {
  it.each([
    ["user and password", `https://receiver:${PASSWORD}@hooks.example.com/x`],
    ["a user name alone", "https://receiver@hooks.example.com/x"],
    ["an empty userinfo", "https://@hooks.example.com/x"],
    ["the last @ of the authority", `https://a@b:${PASSWORD}@hooks.example.com/x`],
  ])("%s", (_label, url) => {
    const { failures } = check({}, args(url));
    expect(failures).toHaveLength(1);
    expect(failures[0]?.property).toBe("url");
    expect(failures[0]?.reason).toMatch(/credentials.*authUsername and authPassword/);
    expect(JSON.stringify(failures)).not.toContain(PASSWORD);
    expect(JSON.stringify(failures)).not.toContain("receiver");
  });

  it("an @ in the path or query is no userinfo", () => {
    expect(check({}, args("https://hooks.example.com/a@b?c=d@e")).failures).toEqual([]);
  });
});

describe("the declaration file goes through the same rule", () => {
  it("names the path and line, points to auth, and never echoes the password", () => {
    const text = [
      "version: 1",
      "webhooks:",
      "  - id: legacy",
      "    name: Legacy",
      `    url: https://receiver:${PASSWORD}@hooks.example.com/x`,
      "    events: [users.*.create]",
      "",
    ].join("\n");
    const parsed = parseDeclaration(text, "webhooks.yaml");
    let error: unknown;
    try {
      validateRendered(parsed, parsed.declaration.webhooks);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DeclarationError);
    const message = (error as DeclarationError).message;
    expect(message).toMatch(
      /webhooks\[0\]\.url \(line 5\): .*credentials.*auth: \{ username, passwordConfig \}/,
    );
    expect(message).not.toContain(PASSWORD);
  });
});

const live = (url: string, authUsername = ""): AppwriteWebhook => ({
  $id: "legacy-hook",
  $createdAt: "",
  $updatedAt: "",
  name: "Legacy",
  url,
  events: ["users.*.create"],
  tls: true,
  authUsername,
  authPassword: "",
  secret: "",
  enabled: true,
  logs: "",
  attempts: 0,
});

describe("export turns URL credentials into auth fields", () => {
  it("moves the user name inline and the password to a secret config key, and strips the URL", () => {
    const declared = toDeclared(live(`https://receiver:${PASSWORD}@hooks.example.com/x?y=1`));
    expect(declared).toMatchObject({
      url: "https://hooks.example.com/x?y=1",
      auth: { username: "receiver", passwordConfig: "legacyHookAuthPassword" },
    });
    expect(JSON.stringify(declared)).not.toContain(PASSWORD);
    expect(check({}, args(declared.url)).failures).toEqual([]);
  });

  it("decodes a percent-encoded user name, and keeps explicit auth fields over the URL's", () => {
    expect(toDeclared(live("https://re%3Aceiver@hooks.example.com/x")).auth?.username).toBe("re:ceiver");
    expect(toDeclared(live(`https://u:${PASSWORD}@hooks.example.com/x`, "explicit")).auth?.username).toBe(
      "explicit",
    );
  });
});

describe("a WebhookSet's unmanaged webhooks", () => {
  it("are recorded and reported with the URL's credentials dropped", () => {
    const found = findUnmanaged(
      [live(`https://receiver:${PASSWORD}@hooks.example.com/x?y=1`)],
      new Set(),
      "report",
      [],
    );
    expect(found).toEqual([
      {
        id: "legacy-hook",
        name: "Legacy",
        url: "https://hooks.example.com/x?y=1",
        events: ["users.*.create"],
      },
    ]);
    expect(unmanagedWarning("p", found)).not.toContain(PASSWORD);
    expect(unmanagedWarning("p", found)).not.toContain("receiver");
  });
});
