/**
 * The plugin door's translation between gRPC and the lifecycle's plain data: protobuf Structs
 * with Pulumi's secret envelopes on one side, plain objects on the other, and the lifecycle's
 * errors as gRPC statuses. No lifecycle rule lives here.
 */
import * as grpc from "@grpc/grpc-js";
import { Any } from "google-protobuf/google/protobuf/any_pb";
import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import { ErrorResourceInitFailed } from "@pulumi/pulumi/proto/provider_pb";
import { Status } from "@pulumi/pulumi/proto/status_pb";
import { AppwriteApiError, AppwriteTransportError, ResourceInitError } from "../appwrite/errors";
import { MissingConnectionSettingError } from "../appwrite/config";
import { SECRET_PROPERTIES } from "../lifecycle/secret-properties";
import { ENTRY_KEYS, SET_SECRET_PROPERTIES } from "../lifecycle/webhook-set/types";

/**
 * Pulumi's wire signature of a secret value (the Node SDK's `specialSigKey` and
 * `specialSecretSig` in runtime/rpc). Written out because importing them loads the SDK's whole
 * runtime, 50 ms of the plugin's start; test/provider/grpc-values.test.ts checks they are the SDK's.
 */
export const specialSigKey = "4dabf18193072939515e22adb298388d";
export const specialSecretSig = "1b47061264138c4ac30d75fd1eb44270";

type Raw = Record<string, unknown>;

const isSecretEnvelope = (value: unknown): value is { value: unknown } =>
  typeof value === "object" && value !== null && (value as Raw)[specialSigKey] === specialSecretSig;

/** Drops every secret envelope: the lifecycle sees plain values, and `toStruct` wraps them again. */
function unwrap(value: unknown): unknown {
  if (isSecretEnvelope(value)) return unwrap(value.value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unwrap(inner)]));
  }
  return value;
}

export function fromStruct(struct: Struct | undefined): Raw {
  return struct ? (unwrap(struct.toJavaScript()) as Raw) : {};
}

/**
 * The properties that hold a credential, of a webhook and of a set. One list serves both: no
 * property of either is named like a credential of the other.
 */
const SECRET_KEYS = new Set<string>([...SECRET_PROPERTIES, ...SET_SECRET_PROPERTIES]);
/** A set's entries, and the credentials an entry may declare (an entry's fields are a webhook's). */
const ENTRIES_KEY = "webhooks";
const ENTRY_SECRET_KEYS = new Set<string>(ENTRY_KEYS.filter((key) => SECRET_KEYS.has(key)));

const secretEnvelope = (value: unknown): JavaScriptValue => ({
  [specialSigKey]: specialSecretSig,
  value: value as JavaScriptValue,
});

/** Drops undefined values (protobuf's Struct throws on them) and wraps the credentials in `secret`. */
function withSecrets(properties: object, secret: ReadonlySet<string>): Record<string, JavaScriptValue> {
  const wire: Record<string, JavaScriptValue> = {};
  for (const [key, value] of Object.entries(properties)) {
    if (value === undefined) continue;
    wire[key] = secret.has(key) ? secretEnvelope(value) : (value as JavaScriptValue);
  }
  return wire;
}

const isObject = (value: unknown): value is object =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * A Struct with each credential in Pulumi's secret envelope, so the engine encrypts it in state
 * whatever the program did (nothing relies on `additionalSecretOutputs`): a webhook's, a set's
 * maps of them, and the credentials each entry of a set declares, which a YAML program passes as
 * plain strings. Undefined values are dropped: protobuf's Struct throws on them.
 */
export function toStruct(properties: object): Struct {
  const wire = withSecrets(properties, SECRET_KEYS);
  const entries = wire[ENTRIES_KEY];
  if (isObject(entries)) {
    wire[ENTRIES_KEY] = Object.fromEntries(
      Object.entries(entries).map(([key, entry]) => [
        key,
        isObject(entry) ? withSecrets(entry, ENTRY_SECRET_KEYS) : (entry as JavaScriptValue),
      ]),
    );
  }
  return Struct.fromJavaScript(wire);
}

function statusCode(error: unknown): grpc.status {
  if (error instanceof MissingConnectionSettingError) return grpc.status.FAILED_PRECONDITION;
  if (error instanceof AppwriteTransportError) return grpc.status.UNAVAILABLE;
  if (!(error instanceof AppwriteApiError)) return grpc.status.UNKNOWN;
  if (error.status === 401 || error.status === 403) return grpc.status.PERMISSION_DENIED;
  if (error.status === 404) return grpc.status.NOT_FOUND;
  if (error.status === 409) return grpc.status.ALREADY_EXISTS;
  if (error.status === 429) return grpc.status.RESOURCE_EXHAUSTED;
  if (error.status >= 500) return grpc.status.UNAVAILABLE;
  return grpc.status.INVALID_ARGUMENT;
}

/**
 * The lifecycle's error as a gRPC status, with its message unchanged. A partial failure carries
 * Pulumi's ErrorResourceInitFailed detail (in `grpc-status-details-bin`, the one place the
 * engine reads rich details from), so state records the webhook instead of orphaning it.
 */
export function toServiceError(error: unknown, inputs?: Raw): Partial<grpc.StatusObject> {
  const message = error instanceof Error ? error.message : String(error);
  const code = statusCode(error);
  const metadata = new grpc.Metadata();
  if (error instanceof ResourceInitError) {
    const detail = new ErrorResourceInitFailed();
    detail.setId(error.id);
    detail.setProperties(toStruct(error.properties));
    detail.setReasonsList(error.reasons);
    if (inputs) detail.setInputs(toStruct(inputs));
    const any = new Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new Status();
    status.setCode(code);
    status.setMessage(message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return { code, details: message, metadata };
}
