/**
 * `defineWebhooks` in a Pulumi program, with the SDK's own mocks, on the compiled package as a
 * consumer loads it: the args each entry declares, and a bad webhooks.yaml, whose problems
 * `defineWebhooks` and `cloneWebhooks` report all at once, as `validate` does, and as a Pulumi
 * RunError, which the Node SDK's program runner prints as its message alone (any other error
 * comes with a stack trace).
 */
import { createRequire } from "node:module";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as Pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as Package from "../../provider/index";
import { REPO_ROOT } from "../support/engine";
import { BAD_DECLARATION } from "./fixtures";

const requireFromRepo = createRequire(join(REPO_ROOT, "package.json"));
let pulumi: typeof Pulumi;
let pkg: typeof Package;
const dir = mkdtempSync(join(tmpdir(), "define-webhooks-"));
/** The inputs each mocked resource was registered with, by resource name. */
const registered = new Map<string, Record<string, unknown>>();

beforeAll(() => {
  pulumi = requireFromRepo("@pulumi/pulumi") as typeof Pulumi;
  void pulumi.runtime.setMocks({
    newResource: (args) => {
      registered.set(args.name, args.inputs as Record<string, unknown>);
      return { id: `${args.name}-id`, state: args.inputs };
    },
    call: () => ({}),
  });
  pulumi.runtime.setConfig("project:ordersKey", "declared-key-0123456789");
  pkg = requireFromRepo("./dist/provider/index.js") as typeof Package;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("nothing was thrown");
}

describe("the args each entry declares", () => {
  it("a key from config with a rotationTrigger declares both: a new trigger sets the declared key again", async () => {
    const file = join(dir, "from-config.yaml");
    writeFileSync(
      file,
      [
        "version: 1",
        "variables: { round: '2' }",
        "webhooks:",
        "  - id: orders",
        "    name: Orders",
        "    url: https://hooks.example.com/orders",
        "    events: [users.*.create]",
        "    secret: { fromConfig: ordersKey, rotationTrigger: 'restore-${round}' }",
        "",
      ].join("\n"),
    );
    const webhooks = pkg.defineWebhooks(file);
    await new Promise((resolve) => webhooks.orders?.urn.apply(resolve));
    expect(registered.get("orders")).toMatchObject({
      // Registered as a Pulumi secret, as every key is.
      secret: expect.objectContaining({ value: "declared-key-0123456789" }),
      rotationTrigger: "restore-2",
    });
  });
});

describe("the Appwrite CLI's appwrite.config.json in a program", () => {
  const cliFile = JSON.stringify(
    {
      projectId: "shop",
      databases: [],
      webhooks: [
        { $id: "orders", name: "Orders", url: "https://hooks.example.com/o", events: ["users.*"], tls: true },
        {
          $id: "audit",
          name: "Audit",
          url: "https://hooks.example.com/a",
          events: ["teams.*"],
          enabled: false,
        },
      ],
    },
    null,
    4,
  );

  it("one Webhook per entry: $id is the key and the webhookId, no auth, and a key Appwrite generates", async () => {
    const file = join(dir, "appwrite.config.json");
    writeFileSync(file, cliFile);
    const webhooks = pkg.defineWebhooks(file, { namePrefix: "cli-" });
    expect(Object.keys(webhooks)).toEqual(["orders", "audit"]);
    await new Promise((resolve) => webhooks.audit?.urn.apply(resolve));
    const orders = registered.get("cli-orders");
    expect(orders).toMatchObject({ webhookId: "orders", enabled: true, tls: true, adopt: false });
    // tls omitted: what `appwrite push` leaves it at, Appwrite's default.
    expect(registered.get("cli-audit")).toMatchObject({ webhookId: "audit", enabled: false, tls: false });
    for (const args of [orders, registered.get("cli-audit")]) {
      expect(args?.authUsername).toBeUndefined();
      expect(args?.secret).toBeUndefined();
    }
  });

  it('as: "set" with an ID prefix: one WebhookSet whose entries are keyed by $id', async () => {
    const file = join(dir, "appwrite.json");
    writeFileSync(file, cliFile);
    const set = pkg.defineWebhooks(file, { as: "set", name: "cli-set", idPrefix: "dev-" });
    await new Promise((resolve) => set.urn.apply(resolve));
    const entries = registered.get("cli-set")?.webhooks as Record<string, Record<string, unknown>>;
    expect(Object.keys(entries).sort()).toEqual(["audit", "orders"]);
    expect(entries.orders).toMatchObject({ webhookId: "dev-orders", tls: true });
  });

  it("an unknown field fails the program, naming the entry, the field and its line", () => {
    const file = join(dir, "appwrite.config.json");
    writeFileSync(file, cliFile.replace('"tls": true', '"tls": true, "authUsername": "u"'));
    const error = thrown(() => pkg.defineWebhooks(file));
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/webhooks\[0\]\.authUsername \(line 12\): unknown key "authUsername"/);
  });
});

describe("a bad declaration file in a program", () => {
  it("defineWebhooks reports every problem at once, as a RunError (printed without a stack trace)", () => {
    const file = join(dir, "webhooks.yaml");
    writeFileSync(file, BAD_DECLARATION);
    const error = thrown(() => pkg.defineWebhooks(file));
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toContain(`${file}: 3 problems`);
    expect(error.message).toMatch(/webhooks\[0\]\.colour \(line 7\): unknown key "colour"/);
    expect(error.message).toMatch(
      /webhooks\[0\]\.url \(line 5\): template variable \$\{host\} is not defined/,
    );
    expect(error.message).toMatch(/webhooks\[1\]\.events\[0\] \(line 11\)/);
    expect(error.cause).toBeInstanceOf(pkg.DeclarationError);
  });

  it("checks the rules on what is declared: the prefixed ID, in the same pass", () => {
    const file = join(dir, "prefixed.yaml");
    writeFileSync(file, BAD_DECLARATION.replace("id: billing", `id: ${"b".repeat(30)}`));
    const error = thrown(() => pkg.defineWebhooks(file, { idPrefix: "production-" }));
    expect(error.message).toContain("4 problems");
    expect(error.message).toMatch(/webhooks\[1\]\.id \(line 8\): /);
  });

  it("cloneWebhooks reports them all at once too", () => {
    const file = join(dir, "clone.yaml");
    writeFileSync(file, BAD_DECLARATION);
    const error = thrown(() =>
      pkg.cloneWebhooks(file, { projectId: "prod", namePrefix: "prod-", secretPolicy: "regenerate" }),
    );
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toContain("3 problems");
  });

  it("a file over the size limit is refused by name before it is read", () => {
    const file = join(dir, "large.yaml");
    writeFileSync(file, `version: 1\nwebhooks: []\n${"#".repeat(pkg.MAX_DECLARATION_BYTES)}\n`);
    const error = thrown(() => pkg.defineWebhooks(file));
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(
      new RegExp(`${file}: 1 problem\\n  - \\(file\\): is \\d+ bytes, over the limit`),
    );
  });
});
