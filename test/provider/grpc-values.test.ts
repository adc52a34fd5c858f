/**
 * The plugin door's translation, without an engine: Pulumi's secret envelope on the wire (its
 * signature values are Pulumi's documented constants, spelled out here), and partial failures
 * as the ErrorResourceInitFailed detail the engine decodes from `grpc-status-details-bin`.
 */
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import {
  DiffRequest,
  DiffResponse,
  ErrorResourceInitFailed,
  PropertyDiff,
} from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { afterEach, describe, expect, it } from "vitest";
import { MissingConnectionSettingError, setStackConfig, settingsFrom } from "../../provider/appwrite/config";
import { ResourceInitError } from "../../provider/appwrite/errors";
import * as sdkRpc from "@pulumi/pulumi/runtime/rpc";
import {
  fromStruct,
  specialSecretSig,
  specialSigKey,
  toServiceError,
  toStruct,
} from "../../provider/plugin/grpc-values";
import { webhookProviderService } from "../../provider/plugin/grpc-server";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";

afterEach(() => setStackConfig({}));

describe("plugin wire format", () => {
  it("spells the secret signature as Pulumi's documented constants and the Node SDK's", () => {
    expect([specialSigKey, specialSecretSig]).toEqual([SIG, SECRET]);
    expect([sdkRpc.specialSigKey, sdkRpc.specialSecretSig]).toEqual([SIG, SECRET]);
  });

  it("wraps every credential as a Pulumi secret and unwraps any envelope on the way in", () => {
    const struct = toStruct({
      name: "A",
      secret: "k-123456789",
      apiKey: "standard_x",
      attempts: 0,
      gone: undefined,
    });
    const wire = struct.toJavaScript();
    expect(wire).toEqual({
      name: "A",
      secret: { [SIG]: SECRET, value: "k-123456789" },
      apiKey: { [SIG]: SECRET, value: "standard_x" },
      attempts: 0,
    });
    const nested = Struct.fromJavaScript({
      events: [{ [SIG]: SECRET, value: "users.*" }],
      url: "https://x.example.com",
    });
    expect(fromStruct(nested)).toEqual({ events: ["users.*"], url: "https://x.example.com" });
    expect(fromStruct(struct)).toEqual({
      name: "A",
      secret: "k-123456789",
      apiKey: "standard_x",
      attempts: 0,
    });
  });

  it("a partial failure carries ErrorResourceInitFailed with the ID and secret-wrapped properties", () => {
    const error = new ResourceInitError("webhook w1 exists but its signing key could not be set", "w1", {
      webhookId: "w1",
      authPassword: "pw-123456",
    });
    const status = toServiceError(error, { webhookId: "w1" });
    expect(status.details).toBe(error.message);
    const [bytes] = status.metadata?.get("grpc-status-details-bin") ?? [];
    const decoded = Status.deserializeBinary(new Uint8Array(bytes as Buffer));
    const [any] = decoded.getDetailsList();
    expect(any?.getTypeUrl()).toBe("type.googleapis.com/pulumirpc.ErrorResourceInitFailed");
    const detail = ErrorResourceInitFailed.deserializeBinary(any?.getValue_asU8() ?? new Uint8Array());
    expect(detail.getId()).toBe("w1");
    expect(detail.getReasonsList()).toEqual([error.message]);
    expect(detail.getProperties()?.toJavaScript()).toEqual({
      webhookId: "w1",
      authPassword: { [SIG]: SECRET, value: "pw-123456" },
    });
    expect(detail.getInputs()?.toJavaScript()).toEqual({ webhookId: "w1" });
  });

  it("a missing setting fails as FAILED_PRECONDITION naming the plugin's config key", () => {
    setStackConfig({}, "appwrite-webhooks");
    const status = toServiceError(new MissingConnectionSettingError("projectId"));
    expect(status.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(status.details).toContain("pulumi config set appwrite-webhooks:projectId <value>");
    expect(status.metadata?.get("grpc-status-details-bin")).toEqual([]);
  });

  it("each door reads only its own namespace", () => {
    const config: Record<string, unknown> = {
      "appwrite:endpoint": "https://dynamic.example.com/v1",
      "appwrite-webhooks:endpoint": "https://plugin.example.com/v1",
      "appwrite-webhooks:selfSigned": true,
      "appwrite-webhooks:httpTimeoutSeconds": 12,
    };
    expect(settingsFrom("appwrite", (key) => config[key])).toEqual({
      endpoint: "https://dynamic.example.com/v1",
    });
    expect(settingsFrom("appwrite-webhooks", (key) => config[key])).toEqual({
      endpoint: "https://plugin.example.com/v1",
      selfSigned: "true",
      httpTimeoutSeconds: "12",
    });
  });
});

describe("plugin diff", () => {
  /** The plugin's Diff handler as the engine calls it, without a server. */
  function pluginDiff(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<DiffResponse> {
    const request = new DiffRequest()
      .setId("orders")
      .setUrn("urn:pulumi:dev::p::appwrite-webhooks:index:Webhook::orders")
      .setOlds(toStruct(olds))
      .setNews(toStruct(news));
    const handler = webhookProviderService.diff as grpc.handleUnaryCall<DiffRequest, DiffResponse>;
    return new Promise((resolve, reject) =>
      handler({ request } as grpc.ServerUnaryCall<DiffRequest, DiffResponse>, (error, response) =>
        error || !response ? reject(error ?? new Error("no response")) : resolve(response),
      ),
    );
  }
  const inputs = {
    webhookId: "orders",
    endpoint: "https://appwrite.example.com/v1",
    projectId: "shop",
    name: "Orders",
    url: "https://hooks.example.com/orders",
    events: ["users.*.create", "buckets.*"],
    enabled: true,
    tls: true,
    authUsername: "u",
    authPassword: "old-password-1",
    eventValidation: "1.9.6",
    adopt: false,
  };
  const state = { ...inputs, secret: "k".repeat(64), secretSource: "appwrite", attempts: 0 };
  /** The detailed diff as the engine decodes it from the wire. */
  const kinds = (response: DiffResponse) => {
    const found: Record<string, PropertyDiff.Kind> = {};
    DiffResponse.deserializeBinary(response.serializeBinary())
      .getDetaileddiffMap()
      .forEach((diff, path) => (found[path] = diff.getKind()));
    return found;
  };

  it("names a changed password as an update of authPassword, and sends no value", async () => {
    const response = await pluginDiff(state, { ...inputs, authPassword: "new-password-1" });
    expect(response.getChanges()).toBe(DiffResponse.DiffChanges.DIFF_SOME);
    expect(response.getHasdetaileddiff()).toBe(true);
    expect(response.getDiffsList()).toEqual(["authPassword"]);
    expect(kinds(response)).toEqual({ authPassword: PropertyDiff.Kind.UPDATE });
    expect(JSON.stringify(response.toObject())).not.toMatch(/password-1/);
  });

  it("diffs events as a set: a reorder is no change, [a,b] to [b,c] deletes a and adds c", async () => {
    const reordered = await pluginDiff(state, { ...inputs, events: ["buckets.*", "users.*.create"] });
    expect(reordered.getChanges()).toBe(DiffResponse.DiffChanges.DIFF_NONE);
    expect(kinds(reordered)).toEqual({});
    const swapped = await pluginDiff(state, { ...inputs, events: ["buckets.*", "teams.*"] });
    expect(swapped.getDiffsList()).toEqual(["events"]);
    expect(kinds(swapped)).toEqual({
      "events[0]": PropertyDiff.Kind.DELETE,
      "events[1]": PropertyDiff.Kind.ADD,
    });
  });

  it("marks identity changes as replacing", async () => {
    const response = await pluginDiff(state, { ...inputs, projectId: "other" });
    expect(response.getReplacesList()).toEqual(["projectId"]);
    expect(kinds(response)).toEqual({ projectId: PropertyDiff.Kind.UPDATE_REPLACE });
  });
});
