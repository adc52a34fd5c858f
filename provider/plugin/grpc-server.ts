/**
 * The plugin door: Pulumi's ResourceProvider gRPC service on the SDK's own generated
 * definitions, translating each call to the lifecycle's plain functions. It exists because the
 * SDK's `@pulumi/pulumi/provider` server answers Configure without reading its variables and
 * has no CheckConfig or DiffConfig, so stack config and explicit providers would be ignored.
 * Every rule (validation, diff, the API calls) stays in the lifecycle.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as sea from "node:sea";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { PluginInfo, type PluginAttach } from "@pulumi/pulumi/proto/plugin_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { SETTING_KEYS, settingsFrom } from "../appwrite/config";
import type { CheckResult } from "../lifecycle/check";
import * as lifecycle from "../lifecycle/steps";
import { PACKAGE_VERSION } from "../appwrite/version";
import { PACKAGE_NAME } from "./type-tokens";
import { fromStruct, toServiceError, toStruct } from "./grpc-values";
import { lifecycleOf } from "./resource-lifecycles";
import { connectEngine, withEngineLog } from "./engine-log";

type Raw = Record<string, unknown>;
type Handler<Req, Res> = grpc.handleUnaryCall<Req, Res>;

/** Written by `npm run build` beside the compiled code (dist/schema); the same bytes the repository commits. */
const SCHEMA_FILE = join(__dirname, "..", "..", "schema", `${PACKAGE_NAME}.pulumi.json`);
/** The same file as an asset of the single executable (`npm run build:plugin`), which has no dist/ beside it. */
export const SCHEMA_ASSET = `${PACKAGE_NAME}.pulumi.json`;

/** The resource a call is about, for the engine's diagnostics (./engine-log); "" for the provider's own calls. */
const callUrn = (request: unknown): string =>
  (request as { getUrn?: () => string | undefined }).getUrn?.() ?? "";

/** Runs one call; any throw becomes a gRPC status carrying the lifecycle's message. */
function unary<Req, Res>(
  work: (request: Req) => Promise<Res> | Res,
  inputsOf?: (request: Req) => Raw,
): Handler<Req, Res> {
  return (call, callback) => {
    withEngineLog(callUrn(call.request), () => work(call.request)).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(error, inputsOf?.(call.request))),
    );
  };
}

function unimplemented(what: string): Handler<unknown, never> {
  return (_call, callback) =>
    callback({ code: grpc.status.UNIMPLEMENTED, details: `${PACKAGE_NAME} does not implement ${what}` });
}

function checkResponse(result: CheckResult): proto.CheckResponse {
  const response = new proto.CheckResponse();
  response.setInputs(toStruct(result.inputs));
  response.setFailuresList(
    result.failures.map((failure) => {
      const item = new proto.CheckFailure();
      item.setProperty(failure.property);
      item.setReason(failure.reason);
      return item;
    }),
  );
  return response;
}

/** Provider config from the Configure call: typed `args` when the engine sends them, else `variables`. */
function providerSettings(request: proto.ConfigureRequest) {
  const args = request.getArgs();
  if (args) {
    const plain = fromStruct(args);
    return settingsFrom(PACKAGE_NAME, (key) => plain[key.slice(PACKAGE_NAME.length + 1)]);
  }
  const variables = request.getVariablesMap();
  return settingsFrom(PACKAGE_NAME, (key) =>
    variables.get(`${PACKAGE_NAME}:config:${key.slice(PACKAGE_NAME.length + 1)}`),
  );
}

/** The lifecycle's kinds of change as the engine's detailed diff spells them. */
const PROPERTY_DIFF_KINDS: Record<lifecycle.PropertyChange, proto.PropertyDiff.Kind> = {
  add: proto.PropertyDiff.Kind.ADD,
  delete: proto.PropertyDiff.Kind.DELETE,
  update: proto.PropertyDiff.Kind.UPDATE,
  "add-replace": proto.PropertyDiff.Kind.ADD_REPLACE,
  "delete-replace": proto.PropertyDiff.Kind.DELETE_REPLACE,
  "update-replace": proto.PropertyDiff.Kind.UPDATE_REPLACE,
};

const configDiffers = (olds: Raw, news: Raw): string[] =>
  SETTING_KEYS.filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));

export const webhookProviderService: grpc.UntypedServiceImplementation = {
  handshake: unary((request: proto.ProviderHandshakeRequest) => {
    connectEngine(request.getEngineAddress());
    const response = new proto.ProviderHandshakeResponse();
    response.setAcceptSecrets(true);
    response.setAcceptResources(false);
    response.setAcceptOutputs(false);
    return response;
  }),
  parameterize: unimplemented("Parameterize"),
  getPluginInfo: unary(() => new PluginInfo().setVersion(PACKAGE_VERSION)),
  getSchema: unary((request: proto.GetSchemaRequest) => {
    if (request.getVersion() > 0) throw new Error(`unsupported schema version ${request.getVersion()}`);
    let schema: string;
    try {
      schema = sea.isSea() ? sea.getAsset(SCHEMA_ASSET, "utf8") : readFileSync(SCHEMA_FILE, "utf8");
    } catch {
      throw new Error(
        `the package schema is missing (${SCHEMA_FILE}): build the package with \`npm run build\``,
      );
    }
    return new proto.GetSchemaResponse().setSchema(schema);
  }),
  // Provider settings are validated where they are used (the resource's check names the missing
  // one and its three places), so the provider's own inputs pass through as given.
  checkConfig: unary((request: proto.CheckRequest) =>
    checkResponse({ inputs: fromStruct(request.getNews()), failures: [] }),
  ),
  // A changed endpoint or project never replaces the provider: each webhook's check resolves its
  // target, and its own diff replaces it for a new project and updates it for a new endpoint.
  diffConfig: unary((request: proto.DiffRequest) => {
    const changed = configDiffers(
      fromStruct(request.getOldInputs() ?? request.getOlds()),
      fromStruct(request.getNews()),
    );
    return new proto.DiffResponse()
      .setChanges(
        changed.length > 0
          ? proto.DiffResponse.DiffChanges.DIFF_SOME
          : proto.DiffResponse.DiffChanges.DIFF_NONE,
      )
      .setDiffsList(changed);
  }),
  configure: unary((request: proto.ConfigureRequest) => {
    lifecycle.configure(providerSettings(request), PACKAGE_NAME);
    // True, and it must be: the engine takes a plugin that answers Handshake to support previews
    // whatever this says (Pulumi 3.274), and calls create and update with `preview` set, which
    // they answer with predicted outputs and no request.
    return new proto.ConfigureResponse()
      .setAcceptsecrets(true)
      .setSupportspreview(true)
      .setAcceptresources(false)
      .setAcceptoutputs(false);
  }),
  invoke: unimplemented("Invoke: it has no functions"),
  call: unimplemented("Call"),
  construct: unimplemented("Construct: it has no components"),
  list: unimplemented("List"),
  // Each resource call runs the lifecycle of its URN's type (./resource-lifecycles).
  check: unary(async (request: proto.CheckRequest) => {
    // The resource key (the URN) lets check derive a deterministic webhook ID.
    const resourceKey = request.getUrn();
    const olds = fromStruct(request.getOlds());
    return checkResponse(
      await lifecycleOf(resourceKey).check(olds, fromStruct(request.getNews()), { resourceKey }),
    );
  }),
  diff: unary(async (request: proto.DiffRequest) => {
    const result = await lifecycleOf(request.getUrn()).diff(
      request.getId(),
      fromStruct(request.getOlds()),
      fromStruct(request.getNews()),
    );
    const response = new proto.DiffResponse()
      .setChanges(
        result.changes ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE,
      )
      .setReplacesList(result.replaces)
      .setDeletebeforereplace(result.deleteBeforeReplace)
      .setDiffsList(result.diffs)
      // Without it the engine shows its own diff of the masked values: a secret changed alone
      // shows no property, and events compare by position. A set's paths name each entry
      // (`webhooks.orders.url`), so a preview says which entry changes and what in it.
      .setHasdetaileddiff(true);
    for (const [path, change] of Object.entries(result.detailedDiff)) {
      response.getDetaileddiffMap().set(path, new proto.PropertyDiff().setKind(PROPERTY_DIFF_KINDS[change]));
    }
    return response;
  }),
  create: unary(
    async (request: proto.CreateRequest) => {
      const resource = lifecycleOf(request.getUrn());
      const inputs = fromStruct(request.getProperties());
      // The engine calls create during previews too (see Configure): predict, never write.
      const { id, outs } = request.getPreview()
        ? resource.previewCreate(inputs)
        : await resource.create(inputs);
      return new proto.CreateResponse().setId(id).setProperties(toStruct(outs));
    },
    (request) => fromStruct(request.getProperties()),
  ),
  read: unary(async (request: proto.ReadRequest) => {
    // `pulumi import` sends only the ID: no state and no inputs.
    const result = await lifecycleOf(request.getUrn()).read(
      request.getId(),
      fromStruct(request.getProperties()),
    );
    const response = new proto.ReadResponse().setId(result.id);
    if (result.props) response.setProperties(toStruct(result.props));
    if (result.inputs) response.setInputs(toStruct(result.inputs));
    return response;
  }),
  update: unary(
    async (request: proto.UpdateRequest) => {
      const resource = lifecycleOf(request.getUrn());
      const olds = fromStruct(request.getOlds());
      const news = fromStruct(request.getNews());
      // The engine calls update during previews too (see Configure): predict, never write.
      const { outs } = request.getPreview()
        ? resource.previewUpdate(olds, news)
        : await resource.update(request.getId(), olds, news);
      return new proto.UpdateResponse().setProperties(toStruct(outs));
    },
    (request) => fromStruct(request.getNews()),
  ),
  delete: unary(async (request: proto.DeleteRequest) => {
    await lifecycleOf(request.getUrn()).remove(request.getId(), fromStruct(request.getProperties()));
    return new Empty();
  }),
  // Requests are short and bounded by the client's timeouts; nothing to abandon early.
  cancel: unary(() => new Empty()),
  // A plugin started by hand for a debugger learns the engine's address here instead of Handshake.
  attach: unary((request: PluginAttach) => {
    connectEngine(request.getAddress());
    return new Empty();
  }),
  // No mappings to other ecosystems' providers (those serve the Terraform bridge's converters).
  getMapping: unary(() => new proto.GetMappingResponse()),
  getMappings: unary(() => new proto.GetMappingsResponse()),
};

/** Starts the server on a free local port and resolves with the port. */
export async function serve(): Promise<{ port: number; server: grpc.Server }> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(ResourceProviderService, webhookProviderService);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { port, server };
}
