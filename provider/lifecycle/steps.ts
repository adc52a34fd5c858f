/**
 * The Webhook lifecycle as plain async functions on plain data, one file per step: ./diff,
 * ./create, ./read, ./update (with ./endpoint-move) and ./delete (check, which loads the argument
 * schema, is ./check). No Pulumi Outputs reach them, and no HTTP either: calls go through the
 * client. This module is the lifecycle as both doors load it (the serialized shim at run time in
 * the provider process), with the provider's settings.
 */
import { setStackConfig, type StackConfig } from "../appwrite/config";

/**
 * The provider's settings, already read from the door's own config namespace (`appwrite:` for
 * the dynamic door, `appwrite-webhooks:` for the plugin); `namespace` only shapes messages.
 */
export function configure(settings: StackConfig, namespace?: string): void {
  setStackConfig(settings, namespace);
}

export { UNKNOWN, isUnknown, PROVIDER_KEY } from "./engine-values";
export {
  diff,
  changedWebhookFields,
  secretChangeRequested,
  type DiffResult,
  type PropertyChange,
} from "./diff";
export { create, type CreateResult } from "./create";
export { read, type ReadResult } from "./read";
export { update, type UpdateResult } from "./update";
export { remove } from "./delete";
export { MissingConnectionSettingError } from "../appwrite/config";
