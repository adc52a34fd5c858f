/**
 * `Webhook`: an Appwrite webhook as a Pulumi resource (type token
 * `pulumi-nodejs:dynamic/appwrite:Webhook`). The class only shapes inputs and outputs; the
 * lifecycle runs in the provider process behind the serialized shim.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AppwriteEventName, EventValidationMode } from "./events";
import { webhookProvider } from "./shim";

export interface WebhookArgs {
  /** Display name, 1–128 characters. */
  name: pulumi.Input<string>;
  /** Delivery URL: http or https on a public domain (Appwrite rejects IPs, localhost and private suffixes). */
  url: pulumi.Input<string>;
  /** Event names such as `users.*.create` or `buckets.*.files.*`; order and duplicates do not matter. */
  events: pulumi.Input<pulumi.Input<AppwriteEventName>[]>;
  /** Default true. Appwrite disables a webhook after 10 failed deliveries; `pulumi up` re-enables it. */
  enabled?: pulumi.Input<boolean>;
  /** Verify the receiver's TLS certificate. Default true here (Appwrite's own default is false). */
  tls?: pulumi.Input<boolean>;
  /** Basic-auth user name sent with each delivery; set together with `authPassword`. */
  authUsername?: pulumi.Input<string>;
  /** Basic-auth password; always stored as a Pulumi secret. */
  authPassword?: pulumi.Input<string>;
  /** Fixed webhook ID (1–36 of a-z, A-Z, 0-9, `.`, `-`, `_`). Omitted: the provider picks one once. Changing it replaces the webhook. */
  webhookId?: pulumi.Input<string>;
  /**
   * Your own signing key, 8–256 characters, stored as a Pulumi secret. Changing it sets the new
   * key in place (no replacement). Omitted: Appwrite generates one.
   */
  secret?: pulumi.Input<string>;
  /** Any value; changing it makes Appwrite generate a new signing key. The old one moves to `previousSecret`. */
  rotationTrigger?: pulumi.Input<string | number>;
  /** Per-resource project; default stack config `appwrite:projectId`, then `APPWRITE_PROJECT_ID`. Changing it replaces. */
  projectId?: pulumi.Input<string>;
  /** Per-resource endpoint such as `https://cloud.appwrite.io/v1`; default `appwrite:endpoint`, then `APPWRITE_ENDPOINT`. */
  endpoint?: pulumi.Input<string>;
  /** Per-resource API key (scopes webhooks.read and webhooks.write); default `appwrite:apiKey`, then `APPWRITE_API_KEY`. Always a secret. */
  apiKey?: pulumi.Input<string>;
  /** Which Appwrite event names `check` accepts: "1.9.6" (default), "main", or "off" for a newer server. */
  eventValidation?: pulumi.Input<EventValidationMode>;
  /**
   * Take over a webhook that already exists with this `webhookId` instead of failing with a
   * conflict. Its signing key is replaced (by `secret`, or a new generated one), since the
   * existing key cannot be read back.
   */
  adopt?: pulumi.Input<boolean>;
}

/** Outputs that hold secrets: marked secret in state whatever the inputs were. */
const SECRET_OUTPUTS = ["secret", "previousSecret", "authPassword", "apiKey"];

function asSecret(value: pulumi.Input<string> | undefined): pulumi.Output<string> | undefined {
  return value === undefined ? undefined : pulumi.secret(value);
}

export class Webhook extends pulumi.dynamic.Resource {
  declare readonly webhookId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly url: pulumi.Output<string>;
  declare readonly events: pulumi.Output<string[]>;
  /** Live value after a refresh: false when Appwrite auto-disabled the webhook. */
  declare readonly enabled: pulumi.Output<boolean>;
  declare readonly tls: pulumi.Output<boolean>;
  declare readonly authUsername: pulumi.Output<string | undefined>;
  declare readonly authPassword: pulumi.Output<string | undefined>;
  /** The signing key in force (secret). */
  declare readonly secret: pulumi.Output<string>;
  /** The key in force before the last rotation (secret), so receivers can accept both for a while. */
  declare readonly previousSecret: pulumi.Output<string | undefined>;
  /** When the key last changed (ISO 8601), the start of the receivers' rotation window. */
  declare readonly secretRotatedAt: pulumi.Output<string | undefined>;
  /** "user" when the key is the declared `secret`, "appwrite" when the server generated it. */
  declare readonly secretSource: pulumi.Output<"user" | "appwrite">;
  declare readonly rotationTrigger: pulumi.Output<string | number | undefined>;
  declare readonly projectId: pulumi.Output<string>;
  declare readonly endpoint: pulumi.Output<string>;
  declare readonly createdAt: pulumi.Output<string>;
  declare readonly updatedAt: pulumi.Output<string>;
  /** Consecutive failed deliveries (Appwrite disables the webhook at 10). */
  declare readonly attempts: pulumi.Output<number>;
  /** Appwrite's log of the last failed delivery. */
  declare readonly logs: pulumi.Output<string>;

  constructor(name: string, args: WebhookArgs, opts?: pulumi.CustomResourceOptions) {
    // A fresh object: the base constructor adds `__provider` to it.
    const props = {
      // Every output is seeded, even when the arg is omitted: the SDK creates output
      // properties only for keys present here.
      webhookId: undefined,
      enabled: undefined,
      tls: undefined,
      authUsername: undefined,
      rotationTrigger: undefined,
      projectId: undefined,
      endpoint: undefined,
      ...args,
      authPassword: asSecret(args.authPassword),
      secret: asSecret(args.secret),
      apiKey: asSecret(args.apiKey),
      previousSecret: undefined,
      secretRotatedAt: undefined,
      secretSource: undefined,
      createdAt: undefined,
      updatedAt: undefined,
      attempts: undefined,
      logs: undefined,
    };
    super(
      webhookProvider,
      name,
      props,
      {
        ...opts,
        additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS])],
      },
      "appwrite",
      "Webhook",
    );
  }
}
