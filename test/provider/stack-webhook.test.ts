/**
 * How `trigger --stack S --webhook KEY` picks a webhook out of `pulumi stack export --show-secrets`
 * (provider/gitops/stack-webhook.ts), over exports shaped as the engine writes them: secrets as
 * `{ "4dabf18193072939515e22adb298388d": …, plaintext: "<JSON>" }`. Real states are read in
 * test/e2e/receiver-outputs.e2e.test.ts (a Webhook, through the built command) and
 * test/e2e/webhook-set-migration.e2e.test.ts (a WebhookSet).
 */
import { describe, expect, it } from "vitest";
import { webhookFromExport } from "../../provider/gitops/stack-webhook";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const secret = (value: unknown) => ({
  [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270",
  plaintext: JSON.stringify(value),
});

function webhook(type: string, name: string, webhookId: string, key: string) {
  return {
    urn: `urn:pulumi:dev::shop::${type}::${name}`,
    type,
    outputs: {
      name: `Hook ${name}`,
      url: `https://hooks.example.com/${name}`,
      webhookId,
      projectId: "shop",
      tls: true,
      authUsername: "appwrite",
      authPassword: secret("pw"),
      secret: secret(key),
    },
  };
}

const exported = (...resources: unknown[]) => ({ version: 3, deployment: { resources } });
const KEYS = ["key-dynamic-0123456789", "key-native-0123456789"];
const state = exported(
  { urn: "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev", type: "pulumi:pulumi:Stack", outputs: {} },
  webhook("pulumi-nodejs:dynamic/appwrite:Webhook", "orders", "orders-id", KEYS[0] as string),
  webhook("appwrite-webhooks:index:Webhook", "refunds", "orders", KEYS[1] as string),
);

const messageOf = (run: () => unknown): string => {
  try {
    run();
    return "";
  } catch (error) {
    return (error as Error).message;
  }
};

describe("the webhook `trigger --stack` picks", () => {
  it("is the Webhook of either door named by its resource name or its webhook ID, secrets revealed", () => {
    expect(webhookFromExport(state, "dev", "refunds")).toEqual({
      url: "https://hooks.example.com/refunds",
      secret: KEYS[1],
      projectId: "shop",
      webhookId: "orders",
      name: "Hook refunds",
      tls: true,
      authUsername: "appwrite",
      authPassword: "pw",
    });
    expect(webhookFromExport(state, "dev", "orders-id").secret).toBe(KEYS[0]);
  });

  it("is refused when two webhooks answer to the key, naming both and no key", () => {
    const message = messageOf(() => webhookFromExport(state, "dev", "orders"));
    expect(message).toBe(
      "more than one webhook of stack dev answers to orders: " +
        "urn:pulumi:dev::shop::pulumi-nodejs:dynamic/appwrite:Webhook::orders; " +
        "urn:pulumi:dev::shop::appwrite-webhooks:index:Webhook::refunds",
    );
  });

  it("is refused when none answers, listing the stack's webhooks, or when the state holds no key", () => {
    expect(messageOf(() => webhookFromExport(state, "dev", "nope"))).toBe(
      "stack dev has no webhook named nope (its webhooks: orders, refunds)",
    );
    expect(messageOf(() => webhookFromExport(exported(), "dev", "nope"))).toBe(
      "stack dev has no webhook named nope (it holds no Webhook or WebhookSet)",
    );
    const keyless = webhook("appwrite-webhooks:index:Webhook", "new", "new", "");
    expect(messageOf(() => webhookFromExport(exported(keyless), "dev", "new"))).toBe(
      "the webhook new of stack dev has no signing key in state",
    );
  });
});
