/**
 * `NativeWebhook` and `NativeWebhookSet`: the same webhook and set through the
 * `appwrite-webhooks` provider plugin (type tokens `appwrite-webhooks:index:Webhook` and
 * `appwrite-webhooks:index:WebhookSet`) instead of the dynamic provider. Same args, same outputs,
 * same lifecycle; state holds no serialized provider, and `pulumi import` works for a webhook.
 * The plugin executable `pulumi-resource-appwrite-webhooks` must be on PATH or installed as a
 * plugin.
 */
import * as pulumi from "@pulumi/pulumi";
import { suspendPromiseStacks } from "../dynamic/promise-stacks";
import { webhookProperties, type Webhook, type WebhookArgs } from "../dynamic/webhook";
import { webhookSetProperties, type WebhookSet, type WebhookSetArgs } from "../dynamic/webhook-set";

/** The outputs `Webhook` declares, so the two classes cannot drift apart. */
type WebhookOutputs = Pick<Webhook, Exclude<keyof Webhook, keyof pulumi.CustomResource>>;

/* eslint-disable @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type --
 * the interface only adds the output declarations of `Webhook` to the class; the SDK fills them. */
export interface NativeWebhook extends WebhookOutputs {}
export class NativeWebhook extends pulumi.CustomResource {
  constructor(name: string, args: WebhookArgs, opts?: pulumi.CustomResourceOptions) {
    const props = webhookProperties(args);
    const restoreStacks = suspendPromiseStacks();
    try {
      super("appwrite-webhooks:index:Webhook", name, props, opts);
    } finally {
      restoreStacks();
    }
  }
}

/** The outputs `WebhookSet` declares. */
type WebhookSetOutputs = Pick<WebhookSet, Exclude<keyof WebhookSet, keyof pulumi.CustomResource>>;

/**
 * All of a project's webhooks as one resource, through the plugin. Its preview names each
 * changed entry and field (the plugin's detailed diff); the plugin marks every key and password
 * secret in state, so it needs no `additionalSecretOutputs`.
 */
export interface NativeWebhookSet extends WebhookSetOutputs {}
export class NativeWebhookSet extends pulumi.CustomResource {
  constructor(name: string, args: WebhookSetArgs, opts?: pulumi.CustomResourceOptions) {
    const props = webhookSetProperties(args);
    const restoreStacks = suspendPromiseStacks();
    try {
      super("appwrite-webhooks:index:WebhookSet", name, props, opts);
    } finally {
      restoreStacks();
    }
  }
}
/* eslint-enable @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type */

export interface NativeProviderArgs {
  /** Appwrite endpoint such as `https://cloud.appwrite.io/v1`; default `APPWRITE_ENDPOINT`. */
  endpoint?: pulumi.Input<string>;
  /** Appwrite project ID; default `APPWRITE_PROJECT_ID`. */
  projectId?: pulumi.Input<string>;
  /** API key with webhooks.read and webhooks.write; always a secret. Default `APPWRITE_API_KEY`. */
  apiKey?: pulumi.Input<string>;
  /** Accept self-signed TLS certificates. */
  selfSigned?: pulumi.Input<boolean>;
  /** Per-request timeout in seconds (default 30). */
  httpTimeoutSeconds?: pulumi.Input<number>;
}

/** An explicit `appwrite-webhooks` provider: one endpoint and project for the NativeWebhooks that use it. */
export class NativeProvider extends pulumi.ProviderResource {
  constructor(name: string, args: NativeProviderArgs = {}, opts?: pulumi.ResourceOptions) {
    const apiKey = args.apiKey === undefined ? undefined : pulumi.secret(args.apiKey);
    super("appwrite-webhooks", name, { ...args, apiKey }, opts);
  }
}
