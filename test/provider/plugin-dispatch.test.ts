/**
 * The plugin's server routes each call by the type in its URN: a `WebhookSet` runs the set's
 * lifecycle, a `Webhook` the webhook's, anything else fails naming what the plugin provides. Run
 * on the server's own handlers, without an engine, against the emulator: check derives each
 * entry's ID from the set's URN, diff names the changed entry and field, previews make no
 * request, and every credential of a set leaves the plugin as a secret.
 */
import type * as grpc from "@grpc/grpc-js";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { webhookProviderService } from "../../provider/plugin/grpc-server";
import { specialSecretSig, specialSigKey, toStruct } from "../../provider/plugin/grpc-values";

const PROJECT = "dispatch";
const API_KEY = "standard_dispatch-key-4b7e1c9a20";
const SET_URN = "urn:pulumi:dev::shop::appwrite-webhooks:index:WebhookSet::hooks";
const WEBHOOK_URN = "urn:pulumi:dev::shop::appwrite-webhooks:index:Webhook::orders";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ projects: [{ id: PROJECT, keys: [{ key: API_KEY }] }] });
});
afterAll(async () => {
  await emulator?.close();
});

/** One handler of the server, called as the engine calls it. */
function call<Req, Res>(method: string, request: Req): Promise<Res> {
  const handler = webhookProviderService[method] as grpc.handleUnaryCall<Req, Res>;
  return new Promise((resolve, reject) =>
    handler({ request } as grpc.ServerUnaryCall<Req, Res>, (error, response) =>
      error || !response ? reject(error ?? new Error("no response")) : resolve(response),
    ),
  );
}

const plain = (struct: Struct | undefined) => (struct?.toJavaScript() ?? {}) as Record<string, unknown>;
const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });

const declared = () => ({
  endpoint: emulator.endpoint,
  projectId: PROJECT,
  apiKey: API_KEY,
  webhooks: {
    orders: {
      name: "Orders",
      url: "https://hooks.example.com/orders",
      events: ["users.*.create"],
      authUsername: "hook",
      authPassword: "pw-orders-123",
    },
    "billing.v2": { name: "Billing", url: "https://hooks.example.com/billing", events: ["users.*"] },
  },
});

async function check(urn: string, news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  const request = new proto.CheckRequest().setUrn(urn).setOlds(toStruct(olds)).setNews(toStruct(news));
  return call<proto.CheckRequest, proto.CheckResponse>("check", request);
}

describe("the plugin's dispatch by type", () => {
  it("checks a set with the set's rules: entry IDs derived from its URN and key, credentials secret", async () => {
    const response = await check(SET_URN, declared());
    expect(response.getFailuresList()).toEqual([]);
    const inputs = plain(response.getInputs());
    const webhooks = inputs.webhooks as Record<string, Record<string, unknown>>;
    expect(Object.keys(webhooks).sort()).toEqual(["billing.v2", "orders"]);
    expect(webhooks.orders?.webhookId).toMatch(/^[0-9a-f]{20}$/);
    expect(webhooks.orders?.webhookId).not.toBe(webhooks["billing.v2"]?.webhookId);
    // The same set under another name is another set: other IDs.
    const renamed = plain((await check(SET_URN.replace(/hooks$/, "other"), declared())).getInputs());
    expect((renamed.webhooks as Record<string, { webhookId: string }>).orders?.webhookId).not.toBe(
      webhooks.orders?.webhookId,
    );
    // A YAML program passes the password as a plain string; the stored inputs hold it as a secret.
    expect(webhooks.orders?.authPassword).toEqual(secret("pw-orders-123"));
    expect(inputs.apiKey).toEqual(secret(API_KEY));
  });

  it("names the entry and field of a failure, and a type it does not provide", async () => {
    const bad = declared();
    bad.webhooks.orders.url = "http://localhost/x";
    const failures = (await check(SET_URN, bad)).getFailuresList().map((f) => f.getProperty());
    expect(failures).toEqual(["webhooks.orders.url"]);
    await expect(
      check("urn:pulumi:dev::shop::appwrite-webhooks:index:Webhooks::x", declared()),
    ).rejects.toMatchObject({
      details: expect.stringContaining(
        "has no resource type appwrite-webhooks:index:Webhooks; it provides appwrite-webhooks:index:Webhook and appwrite-webhooks:index:WebhookSet",
      ),
    });
    // The webhook's own check still runs for a webhook.
    const webhook = await check(WEBHOOK_URN, {
      endpoint: emulator.endpoint,
      projectId: PROJECT,
      apiKey: API_KEY,
      name: "Orders",
      url: "https://hooks.example.com/orders",
      events: ["users.*.create"],
    });
    expect(webhook.getFailuresList()).toEqual([]);
    expect(plain(webhook.getInputs()).webhookId).toMatch(/^[0-9a-f]{20}$/);
  });

  it("previews a set's create and update without a request, then diffs one entry's field by its path", async () => {
    const inputs = plain((await check(SET_URN, declared())).getInputs());
    emulator.resetCounters();
    const preview = await call<proto.CreateRequest, proto.CreateResponse>(
      "create",
      new proto.CreateRequest().setUrn(SET_URN).setProperties(toStruct(inputs)).setPreview(true),
    );
    expect(emulator.counters().total ?? 0).toBe(0);
    expect(preview.getId()).toBe(PROJECT);
    const predicted = plain(preview.getProperties());
    expect(Object.keys(predicted.webhookIds as object).sort()).toEqual(["billing.v2", "orders"]);

    const created = await call<proto.CreateRequest, proto.CreateResponse>(
      "create",
      new proto.CreateRequest().setUrn(SET_URN).setProperties(toStruct(inputs)),
    );
    expect(emulator.counters()).toMatchObject({ "POST /v1/webhooks": 2 });
    const state = plain(created.getProperties());
    // Every map of credentials and every entry's password go out as secrets.
    for (const map of ["secrets", "previousSecrets", "authPasswords"]) {
      expect(state[map], map).toMatchObject({ [specialSigKey]: specialSecretSig });
    }
    const live = emulator.webhooks(PROJECT);
    const ordersKey = live.find((w) => w.name === "Orders")?.secret;
    expect((state.secrets as { value: Record<string, string> }).value.orders).toBe(ordersKey);
    expect(JSON.stringify(state.webhooks)).not.toContain("pw-orders-123");

    const moved = declared();
    moved.webhooks["billing.v2"].url = "https://hooks.example.com/billing-v2";
    const news = plain((await check(SET_URN, moved, state)).getInputs());
    const diff = await call<proto.DiffRequest, proto.DiffResponse>(
      "diff",
      new proto.DiffRequest()
        .setUrn(SET_URN)
        .setId(created.getId())
        .setOlds(created.getProperties())
        .setNews(toStruct(news)),
    );
    expect(diff.getChanges()).toBe(proto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(diff.getHasdetaileddiff()).toBe(true);
    expect(diff.getReplacesList()).toEqual([]);
    const paths: Record<string, proto.PropertyDiff.Kind> = {};
    diff.getDetaileddiffMap().forEach((kind, path) => (paths[path] = kind.getKind()));
    expect(paths).toEqual({ 'webhooks["billing.v2"].url': proto.PropertyDiff.Kind.UPDATE });

    emulator.resetCounters();
    const previewed = await call<proto.UpdateRequest, proto.UpdateResponse>(
      "update",
      new proto.UpdateRequest()
        .setUrn(SET_URN)
        .setId(created.getId())
        .setOlds(created.getProperties())
        .setNews(toStruct(news))
        .setPreview(true),
    );
    expect(emulator.counters().total ?? 0).toBe(0);
    expect(
      (plain(previewed.getProperties()).webhooks as Record<string, { url: string }>)["billing.v2"]?.url,
    ).toBe("https://hooks.example.com/billing-v2");

    await call<proto.DeleteRequest, unknown>(
      "delete",
      new proto.DeleteRequest().setUrn(SET_URN).setId(created.getId()).setProperties(created.getProperties()),
    );
    expect(emulator.webhooks(PROJECT)).toEqual([]);
  });
});
