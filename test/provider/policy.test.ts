/**
 * The policy pack's rules without the engine: each policy's validate function called as
 * @pulumi/policy calls it, with the resource's properties behind @pulumi/policy's own
 * unknown-checking proxy, for a `Webhook` and a `WebhookSet` entry, under default and given
 * configuration. The engine runs in test/e2e/policy.e2e.test.ts.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  unknownCheckingProxy,
  type Policies,
  type PolicyResource,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import * as policyProxy from "@pulumi/policy/proxy";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  POLICY_PACK_NAME,
  WEBHOOK_SET_TYPES,
  WEBHOOK_TYPES,
  createWebhookPolicies,
} from "../../provider/policy";
import { REPO_ROOT } from "../support/engine";

const NOW = new Date("2026-12-01T00:00:00.000Z");
const policies = createWebhookPolicies({ now: () => NOW });
/** @pulumi/policy's marker of a string the engine does not know during a preview. */
const UNKNOWN_STRING = (policyProxy as Record<string, unknown>).unknownStringValue;

const [DYNAMIC_WEBHOOK, NATIVE_WEBHOOK] = WEBHOOK_TYPES as [string, string];
const [DYNAMIC_SET, NATIVE_SET] = WEBHOOK_SET_TYPES as [string, string];

const COMPLIANT = {
  name: "Orders",
  url: "https://hooks.example.com/orders",
  events: ["databases.*.collections.*.documents.*.create", "users.*.update.email"],
  authUsername: "appwrite",
  authPassword: "receiver-password",
};

function policy(name: string): ResourceValidationPolicy {
  const found = policies.find((p) => p.name === name);
  if (!found || !("validateResource" in found)) throw new Error(`no resource policy ${name}`);
  return found;
}

/** The messages `policyName` reports for one resource, with `config` as --policy-pack-config gives it. */
async function violations(
  policyName: string,
  type: string,
  props: Record<string, unknown>,
  config: Record<string, unknown> = {},
  name = "hook",
): Promise<string[]> {
  const reported: string[] = [];
  const validate = policy(policyName).validateResource;
  const args = {
    type,
    name,
    urn: `urn:pulumi:dev::p::${type}::${name}`,
    props: unknownCheckingProxy(props),
    getConfig: <T>() => config as T,
  } as unknown as ResourceValidationArgs;
  for (const validation of Array.isArray(validate) ? validate : validate ? [validate] : []) {
    await validation(args, (message) => reported.push(message));
  }
  return reported;
}

describe("the pack's policies", () => {
  it("are six, each with its own enforcement level and a configuration schema with defaults", () => {
    expect(POLICY_PACK_NAME).toBe("appwrite-webhooks");
    const summary = Object.fromEntries(
      policies.map((p) => [
        p.name,
        {
          level: p.enforcementLevel,
          config: Object.fromEntries(
            Object.entries(p.configSchema?.properties ?? {}).map(([key, schema]) => [key, schema.default]),
          ),
        },
      ]),
    );
    expect(summary).toEqual({
      "appwrite-webhook-https": { level: "mandatory", config: { exceptHosts: [] } },
      "appwrite-webhook-tls": { level: "mandatory", config: { exceptHosts: [] } },
      "appwrite-webhook-basic-auth": { level: "advisory", config: { hosts: ["*"] } },
      "appwrite-webhook-event-scope": { level: "mandatory", config: { allow: [] } },
      "appwrite-webhook-allowed-hosts": { level: "mandatory", config: { hosts: [] } },
      "appwrite-webhook-key-age": { level: "advisory", config: { maxAgeDays: 90 } },
    });
  });

  it("accept a compliant webhook of either door, and a compliant set entry of either door", async () => {
    for (const name of policies.filter((p) => "validateResource" in p).map((p) => p.name)) {
      for (const type of [DYNAMIC_WEBHOOK, NATIVE_WEBHOOK]) {
        expect(await violations(name, type, COMPLIANT), `${name} on ${type}`).toEqual([]);
      }
      for (const type of [DYNAMIC_SET, NATIVE_SET]) {
        expect(
          await violations(name, type, { webhooks: { orders: COMPLIANT } }),
          `${name} on ${type}`,
        ).toEqual([]);
      }
    }
  });

  it("look at no other resource type", async () => {
    const insecure = { url: "http://hooks.example.com/x", events: ["users.*"], tls: false };
    for (const name of ["appwrite-webhook-https", "appwrite-webhook-tls", "appwrite-webhook-event-scope"]) {
      expect(await violations(name, "pulumi-nodejs:dynamic:Resource", insecure)).toEqual([]);
      expect(await violations(name, "aws:lambda/function:Function", insecure)).toEqual([]);
    }
  });
});

describe("HTTPS only", () => {
  const http = { ...COMPLIANT, url: "http://staging.example.com/hook?token=abc" };

  it("reports an http URL by resource and field, naming the host and never the rest of the URL", async () => {
    const [message, ...more] = await violations(
      "appwrite-webhook-https",
      NATIVE_WEBHOOK,
      http,
      {},
      "staging",
    );
    expect(more).toEqual([]);
    expect(message).toMatch(/^staging url: uses http:\/\/ \(host staging\.example\.com\)/);
    expect(message).not.toContain("token=abc");
  });

  it("reports a set's entry by its path, and spares the hosts configured as exceptions", async () => {
    const set = { webhooks: { orders: COMPLIANT, staging: http } };
    expect(await violations("appwrite-webhook-https", DYNAMIC_SET, set, {}, "hooks")).toEqual([
      expect.stringMatching(/^hooks webhooks\.staging\.url: uses http:\/\//),
    ]);
    const excepted = { exceptHosts: ["*.example.com"] };
    expect(await violations("appwrite-webhook-https", DYNAMIC_SET, set, excepted)).toEqual([]);
  });
});

describe("TLS verification", () => {
  it("reports tls: false, takes an undeclared tls as the provider's default (true), and keeps quiet over http", async () => {
    const off = { ...COMPLIANT, tls: false };
    expect(await violations("appwrite-webhook-tls", DYNAMIC_WEBHOOK, off)).toEqual([
      expect.stringMatching(/^hook tls: is false/),
    ]);
    expect(await violations("appwrite-webhook-tls", DYNAMIC_WEBHOOK, { ...COMPLIANT, tls: true })).toEqual(
      [],
    );
    expect(await violations("appwrite-webhook-tls", DYNAMIC_WEBHOOK, COMPLIANT)).toEqual([]);
    const overHttp = { ...off, url: "http://hooks.example.com/x" };
    expect(await violations("appwrite-webhook-tls", DYNAMIC_WEBHOOK, overHttp)).toEqual([]);
    expect(
      await violations(
        "appwrite-webhook-tls",
        NATIVE_SET,
        { webhooks: { a: off } },
        { exceptHosts: ["hooks.example.com"] },
      ),
    ).toEqual([]);
  });
});

describe("basic auth", () => {
  const bare = { ...COMPLIANT, authUsername: undefined, authPassword: undefined };

  it("reports a webhook without basic auth, for every host by default or for the configured ones", async () => {
    expect(await violations("appwrite-webhook-basic-auth", NATIVE_WEBHOOK, bare)).toEqual([
      expect.stringMatching(/^hook authUsername: is not set: deliveries to hooks\.example\.com/),
    ]);
    const elsewhere = { hosts: ["receiver.internal.example.org", "*.corp.example.net"] };
    expect(await violations("appwrite-webhook-basic-auth", NATIVE_WEBHOOK, bare, elsewhere)).toEqual([]);
    const here = { hosts: ["*.example.com"] };
    expect(await violations("appwrite-webhook-basic-auth", NATIVE_WEBHOOK, bare, here)).toHaveLength(1);
  });

  it("takes a password known only at up as declared", async () => {
    const later = { ...COMPLIANT, authPassword: UNKNOWN_STRING };
    expect(await violations("appwrite-webhook-basic-auth", DYNAMIC_WEBHOOK, later)).toEqual([]);
  });
});

describe("event scope", () => {
  it("reports each event that names no action, by its index, as Appwrite's validator reads it", async () => {
    const events = [
      "users.*.create",
      "users.*",
      "buckets.*.files.*",
      "databases.*.collections",
      "users.*.update.email",
    ];
    const messages = await violations("appwrite-webhook-event-scope", DYNAMIC_WEBHOOK, {
      ...COMPLIANT,
      events,
    });
    expect(messages.map((m) => m.slice(0, m.indexOf(":")))).toEqual([
      "hook events[1]",
      "hook events[2]",
      "hook events[3]",
    ]);
    expect(messages[0]).toContain('"users.*" names no action');
  });

  it("accepts what the allow list names, with * standing for any one segment", async () => {
    const set = {
      webhooks: { all: { ...COMPLIANT, events: ["users.*", "buckets.main.files.*", "teams.*"] } },
    };
    const allow = { allow: ["users.*", "buckets.*.files.*"] };
    expect(await violations("appwrite-webhook-event-scope", NATIVE_SET, set, allow, "hooks")).toEqual([
      expect.stringMatching(/^hooks webhooks\.all\.events\[2\]: "teams\.\*" names no action/),
    ]);
  });

  it("reads events of the next Appwrite by the set's eventValidation, and leaves names no catalog knows to the provider", async () => {
    const next = {
      webhooks: { rows: { ...COMPLIANT, events: ["tablesdb.*", "nosuch.*"] } },
      eventValidation: "main",
    };
    expect(await violations("appwrite-webhook-event-scope", DYNAMIC_SET, next)).toEqual([
      expect.stringMatching(/^hook webhooks\.rows\.events\[0\]: "tablesdb\.\*"/),
    ]);
    const old = { ...next, eventValidation: "1.9.6" };
    expect(await violations("appwrite-webhook-event-scope", DYNAMIC_SET, old)).toEqual([]);
  });
});

describe("allowed hosts", () => {
  it("checks nothing until hosts are configured, then reports a URL elsewhere", async () => {
    const elsewhere = { ...COMPLIANT, url: "https://attacker.example.net/collect" };
    expect(await violations("appwrite-webhook-allowed-hosts", DYNAMIC_WEBHOOK, elsewhere)).toEqual([]);
    const hosts = { hosts: ["hooks.example.com", "*.receivers.example.com"] };
    expect(await violations("appwrite-webhook-allowed-hosts", DYNAMIC_WEBHOOK, elsewhere, hosts)).toEqual([
      "hook url: points at attacker.example.net, which is not an allowed host (hooks.example.com, *.receivers.example.com).",
    ]);
    expect(await violations("appwrite-webhook-allowed-hosts", DYNAMIC_WEBHOOK, COMPLIANT, hosts)).toEqual([]);
    const sub = { ...COMPLIANT, url: "https://a.receivers.example.com/x" };
    expect(await violations("appwrite-webhook-allowed-hosts", DYNAMIC_WEBHOOK, sub, hosts)).toEqual([]);
  });
});

describe("values unknown during a preview", () => {
  it("are skipped field by field, without the policy SDK's 'can't run during preview' failure", async () => {
    const props = {
      webhooks: {
        later: { ...COMPLIANT, url: UNKNOWN_STRING, events: [UNKNOWN_STRING, "users.*"] },
        known: { ...COMPLIANT, url: "http://hooks.example.com/x" },
      },
    };
    expect(await violations("appwrite-webhook-https", DYNAMIC_SET, props)).toEqual([
      expect.stringMatching(/^hook webhooks\.known\.url/),
    ]);
    expect(await violations("appwrite-webhook-event-scope", DYNAMIC_SET, props)).toEqual([
      expect.stringMatching(/^hook webhooks\.later\.events\[1\]/),
    ]);
    expect(await violations("appwrite-webhook-https", DYNAMIC_SET, { webhooks: UNKNOWN_STRING })).toEqual([]);
  });
});

describe("key age", () => {
  const keyAge = policies.find((p) => p.name === "appwrite-webhook-key-age") as StackValidationPolicy;
  const resource = (type: string, name: string, props: Record<string, unknown>) =>
    ({ type, name, urn: `urn:${name}`, props: unknownCheckingProxy(props) }) as unknown as PolicyResource;

  async function stackViolations(resources: PolicyResource[], config: Record<string, unknown> = {}) {
    const reported: { message: string; urn?: string }[] = [];
    await keyAge.validateStack(
      {
        resources,
        stackTags: new Map(),
        getConfig: <T>() => config as T,
        notApplicable: () => undefined as never,
      },
      (message, urn) => reported.push({ message, urn }),
    );
    return reported;
  }

  const resources = [
    resource(DYNAMIC_WEBHOOK, "fresh", { secretRotatedAt: "2026-11-01T00:00:00.000Z" }),
    resource(NATIVE_WEBHOOK, "old", { secretRotatedAt: "2026-08-01T10:00:00.000Z" }),
    resource(NATIVE_WEBHOOK, "being-created", { secretRotatedAt: UNKNOWN_STRING }),
    resource(DYNAMIC_WEBHOOK, "imported", { secretSource: "unknown", createdAt: "2025-01-01T00:00:00.000Z" }),
    // As state stores it: every optional output present, null when it has no value.
    resource(NATIVE_WEBHOOK, "never-rotated", {
      secretSource: "appwrite",
      secretRotatedAt: null,
      createdAt: "2026-06-01T00:00:00.000Z",
    }),
    resource(DYNAMIC_WEBHOOK, "young", { secretSource: "user", createdAt: "2026-11-20T00:00:00.000Z" }),
    resource(DYNAMIC_SET, "hooks", {
      secretRotatedAt: { orders: "2026-01-15T00:00:00.000Z", users: "2026-11-30T00:00:00.000Z" },
    }),
    resource("aws:s3/bucket:Bucket", "bucket", { secretRotatedAt: "2020-01-01T00:00:00.000Z" }),
  ];

  it("reports each key older than 90 days from the outputs (secretRotatedAt, else a never-rotated key's createdAt), with its resource, output and age", async () => {
    expect(await stackViolations(resources)).toEqual([
      {
        urn: "urn:old",
        message: expect.stringMatching(
          /^old secretRotatedAt: the signing key was set 121 days ago \(2026-08-01\), past the 90-day limit\. Rotate it: change rotationTrigger/,
        ),
      },
      {
        urn: "urn:never-rotated",
        message: expect.stringMatching(
          /^never-rotated createdAt: the signing key was set 183 days ago \(2026-06-01\) with the webhook, and never rotated, past the 90-day limit/,
        ),
      },
      {
        urn: "urn:hooks",
        message: expect.stringMatching(
          /^hooks secretRotatedAt\.orders: the signing key was set 320 days ago .* change webhooks\.orders\.rotationTrigger/,
        ),
      },
    ]);
  });

  it("takes the age from its configuration", async () => {
    const reported = await stackViolations(resources, { maxAgeDays: 20 });
    expect(reported.map((r) => r.message.slice(0, r.message.indexOf(":")))).toEqual([
      "fresh secretRotatedAt",
      "old secretRotatedAt",
      "never-rotated createdAt",
      "hooks secretRotatedAt.orders",
    ]);
  });
});

describe("the pack as shipped", () => {
  it("matches the type tokens the doors register", () => {
    const token = (file: string) =>
      /const TYPE_TOKEN = "([^"]+)"/.exec(
        readFileSync(join(REPO_ROOT, "provider/dynamic", file), "utf8"),
      )?.[1];
    expect([token("webhook.ts"), token("webhook-set.ts")]).toEqual([DYNAMIC_WEBHOOK, DYNAMIC_SET]);
    const schema = JSON.parse(
      readFileSync(join(REPO_ROOT, "provider/plugin/appwrite-webhooks.pulumi.json"), "utf8"),
    ) as { resources: Record<string, unknown> };
    expect(Object.keys(schema.resources)).toEqual(expect.arrayContaining([NATIVE_WEBHOOK, NATIVE_SET]));
  });

  it("is a Node.js pack whose version is the package's", () => {
    const yaml = parseYaml(readFileSync(join(REPO_ROOT, "policy-pack/PulumiPolicy.yaml"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(yaml.runtime).toBe("nodejs");
    const version = (file: string) =>
      (JSON.parse(readFileSync(join(REPO_ROOT, file), "utf8")) as { version: string }).version;
    expect(version("policy-pack/package.json")).toBe(version("package.json"));
  });

  it("loads no door, no client and no zod: only the lifecycle's URL and event rules beside @pulumi/policy", () => {
    const script =
      'require("./dist/provider/policy/index.js");' +
      "process.stdout.write(JSON.stringify(Object.keys(require.cache)))";
    const loaded = JSON.parse(
      execFileSync(process.execPath, ["-e", script], { cwd: REPO_ROOT, encoding: "utf8" }),
    ) as string[];
    const ours = loaded
      .filter((file) => file.startsWith(join(REPO_ROOT, "dist")))
      .map((file) => file.slice(REPO_ROOT.length + 1))
      .sort();
    expect(ours.filter((file) => !file.startsWith("dist/provider/policy/"))).toEqual([
      "dist/provider/lifecycle/appwrite-events-1.9.6.json",
      "dist/provider/lifecycle/arg-defaults.js",
      "dist/provider/lifecycle/events.js",
      "dist/provider/lifecycle/url-rules.js",
    ]);
    expect(loaded.filter((file) => /node_modules\/(zod|undici)\//.test(file))).toEqual([]);
  });
});

// The policies are typed as @pulumi/policy's own, so a pack of one's own takes them as they are.
export const asPackPolicies: Policies = policies;
