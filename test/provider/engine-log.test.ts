/**
 * The plugin's lines reach the engine: what the lifecycle writes with `console.error` during a
 * call (here a set's refresh warning about a webhook no entry declares, against the emulator)
 * goes to the engine's Log service, a stand-in engine on Pulumi's own service definition, as a
 * warning on the call's resource, and the call answers only once the engine took it. Before the
 * engine's address is known, a line stays on stderr only.
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogSeverity, type LogRequest } from "@pulumi/pulumi/proto/engine_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { forwardConsoleErrors } from "../../provider/plugin/engine-log";
import { toStruct } from "../../provider/plugin/grpc-values";
import { webhookProviderService } from "../../provider/plugin/grpc-server";
import { createOutsidePulumi } from "../support/outside-pulumi";

const PROJECT = "engine-log";
const API_KEY = "standard_engine-log-key-5e0b7d21";
const URN = "urn:pulumi:dev::shop::appwrite-webhooks:index:WebhookSet::hooks";

function call<Req, Res>(method: string, request: Req): Promise<Res> {
  const handler = webhookProviderService[method] as grpc.handleUnaryCall<Req, Res>;
  return new Promise((resolve, reject) =>
    handler({ request } as grpc.ServerUnaryCall<Req, Res>, (error, response) =>
      error || !response ? reject(error ?? new Error("no response")) : resolve(response),
    ),
  );
}

const logged: Array<{ severity: LogSeverity; message: string; urn: string }> = [];
let engine: grpc.Server;
let emulator: Emulator;
let address: string;
let restore: () => void;
/** What reaches stderr: console.error as it was before the plugin wrapped it. */
let stderr: MockInstance<typeof console.error>;

beforeAll(async () => {
  emulator = await startEmulator({ projects: [{ id: PROJECT, keys: [{ key: API_KEY }] }] });
  engine = new grpc.Server();
  engine.addService(EngineService, {
    // Slow on purpose: the call must wait until the engine has the line, not only send it.
    log: (engineCall: grpc.ServerUnaryCall<LogRequest, Empty>, callback: grpc.sendUnaryData<Empty>) => {
      const request = engineCall.request;
      setTimeout(() => {
        logged.push({
          severity: request.getSeverity(),
          message: request.getMessage(),
          urn: request.getUrn(),
        });
        callback(null, new Empty());
      }, 100);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    engine.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  address = `127.0.0.1:${port}`;
  stderr = vi.spyOn(console, "error").mockImplementation(() => undefined);
  restore = forwardConsoleErrors();
});
afterAll(async () => {
  restore?.();
  stderr?.mockRestore();
  engine?.forceShutdown();
  await emulator?.close();
});

/** A set's state with no entries, reporting what it finds. */
const state = () => ({
  webhooks: {},
  webhookIds: {},
  secrets: {},
  previousSecrets: {},
  authPasswords: {},
  secretRotatedAt: {},
  enabled: {},
  attempts: {},
  logs: {},
  unmanagedWebhooks: [],
  unmanaged: "report",
  ignoreUnmanaged: [],
  concurrency: 10,
  eventValidation: "1.9.6",
  projectId: PROJECT,
  endpoint: emulator.endpoint,
  apiKey: API_KEY,
});
const refresh = () =>
  call<proto.ReadRequest, proto.ReadResponse>(
    "read",
    new proto.ReadRequest().setUrn(URN).setId(PROJECT).setProperties(toStruct(state())),
  );

describe("the plugin's lines to the engine", () => {
  it("sends a call's console.error to the engine as a warning on its resource, before the call answers", async () => {
    await createOutsidePulumi(emulator, PROJECT, API_KEY, {
      webhookId: "console-made",
      name: "Console",
      url: "https://hooks.example.com/console",
      events: ["users.*"],
      enabled: true,
    });
    // Before Handshake gives the engine's address, the warning is on stderr only.
    await refresh();
    expect(logged).toEqual([]);
    expect(stderr.mock.calls.flat().join("\n")).toMatch(/console-made/);

    await call("handshake", new proto.ProviderHandshakeRequest().setEngineAddress(address));
    stderr.mockClear();
    await refresh();
    expect(logged).toEqual([
      { severity: LogSeverity.WARNING, message: expect.stringMatching(/console-made/) as string, urn: URN },
    ]);
    // And not on stderr too: the engine records stderr as diagnostics as well, and one line
    // written twice would be two diagnostics.
    expect(stderr.mock.calls.flat().join("\n")).not.toMatch(/console-made/);
  });
});
