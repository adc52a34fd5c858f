/**
 * `WebhookSet`: all of a project's webhooks as one dynamic resource (type token
 * `pulumi-nodejs:dynamic/appwrite:WebhookSet`). One engine step for every entry, so the engine
 * writes its checkpoint twice instead of twice per webhook, and one list of the project, so it
 * sees the webhooks no entry declares. Each entry runs on the `Webhook` lifecycle; the class only
 * shapes inputs and outputs, as ./webhook does.
 */
import * as pulumi from "@pulumi/pulumi";
import type { EventValidationMode } from "../lifecycle/events";
import {
  SET_SECRET_PROPERTIES,
  type SetLevelKey,
  type UnmanagedPolicy,
  type UnmanagedWebhook,
} from "../lifecycle/webhook-set/types";
import { suspendPromiseStacks } from "./promise-stacks";
import { SET_PROVIDER_TEXT } from "./stored-provider-text";
import { asSecret, urnOf, type WebhookArgs } from "./webhook";

/** One entry: a `Webhook`'s own inputs. The connection and the validation mode are the set's. */
export type WebhookSetEntryArgs = Omit<WebhookArgs, SetLevelKey>;

export interface WebhookSetArgs {
  /**
   * The webhooks, by a key of your choosing. An entry's ID is derived from the set's URN and its
   * key unless it declares `webhookId`; renaming a key is a delete and a create.
   */
  webhooks: Record<string, WebhookSetEntryArgs>;
  /**
   * Webhooks of the project that no entry declares: "report" (default) records them in
   * `unmanagedWebhooks` on refresh and up and warns; "delete" deletes those the last refresh or up
   * recorded (the preview lists them); "ignore" does neither.
   */
  unmanaged?: pulumi.Input<UnmanagedPolicy>;
  /** IDs, or patterns with `*` (`console-*`), of webhooks other tools own: never reported or deleted. */
  ignoreUnmanaged?: pulumi.Input<pulumi.Input<string>[]>;
  /** Requests in flight at once (default 10, at most 100). 429 and Retry-After are honoured. */
  concurrency?: pulumi.Input<number>;
  /** Which Appwrite event names `check` accepts, for every entry: "1.9.6" (default), "main" or "off". */
  eventValidation?: pulumi.Input<EventValidationMode>;
  /** The project of every entry; default stack config `appwrite:projectId`, then `APPWRITE_PROJECT_ID`. Changing it replaces the set. */
  projectId?: pulumi.Input<string>;
  /** Endpoint such as `https://cloud.appwrite.io/v1`; default `appwrite:endpoint`, then `APPWRITE_ENDPOINT`. Changing it replaces the set. */
  endpoint?: pulumi.Input<string>;
  /** API key (webhooks.read and webhooks.write); default `appwrite:apiKey`, then `APPWRITE_API_KEY`. Always a secret. */
  apiKey?: pulumi.Input<string>;
}

const TYPE_TOKEN = "pulumi-nodejs:dynamic/appwrite:WebhookSet";

export class WebhookSet extends pulumi.CustomResource {
  /** The webhook ID of each entry. */
  declare readonly webhookIds: pulumi.Output<Record<string, string>>;
  /** The signing key in force of each entry (secret). */
  declare readonly secrets: pulumi.Output<Record<string, string>>;
  /** The key each rotated entry had before its last rotation (secret), for the receivers' window. */
  declare readonly previousSecrets: pulumi.Output<Record<string, string>>;
  /** When each entry's key last changed (ISO 8601), for entries whose key the provider set. */
  declare readonly secretRotatedAt: pulumi.Output<Record<string, string>>;
  /** Live `enabled` of each entry: false when Appwrite disabled it after failed deliveries. */
  declare readonly enabled: pulumi.Output<Record<string, boolean>>;
  /** Consecutive failed deliveries of each entry (Appwrite disables a webhook at 10). */
  declare readonly attempts: pulumi.Output<Record<string, number>>;
  /** The start of Appwrite's log of each entry's last failed delivery. */
  declare readonly logs: pulumi.Output<Record<string, string>>;
  /** Webhooks of the project that no entry declares, as the last refresh or up found them. */
  declare readonly unmanagedWebhooks: pulumi.Output<UnmanagedWebhook[]>;
  declare readonly projectId: pulumi.Output<string>;
  declare readonly endpoint: pulumi.Output<string>;

  constructor(name: string, args: WebhookSetArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...webhookSetProperties(args),
      // As for `Webhook`: the dynamic door's check gets no URN, so the set sends it.
      resourceKey: urnOf(name, opts?.parent, TYPE_TOKEN),
      __provider: SET_PROVIDER_TEXT,
    };
    const additionalSecretOutputs = [
      ...new Set([...(opts?.additionalSecretOutputs ?? []), ...SET_SECRET_PROPERTIES]),
    ];
    const restoreStacks = suspendPromiseStacks();
    try {
      super(TYPE_TOKEN, name, props, { ...opts, additionalSecretOutputs });
    } finally {
      restoreStacks();
    }
  }
}

/** The set's properties, shared by both doors; every credential of an entry goes in as a secret. */
export function webhookSetProperties(args: WebhookSetArgs): pulumi.Inputs {
  const webhooks = Object.fromEntries(
    Object.entries(args.webhooks).map(([key, entry]) => [
      key,
      Object.fromEntries(
        Object.entries({
          ...entry,
          authPassword: asSecret(entry.authPassword),
          secret: asSecret(entry.secret),
        }).filter(([, value]) => value !== undefined),
      ),
    ]),
  );
  return {
    unmanaged: undefined,
    ignoreUnmanaged: undefined,
    concurrency: undefined,
    eventValidation: undefined,
    projectId: undefined,
    endpoint: undefined,
    ...args,
    webhooks,
    apiKey: asSecret(args.apiKey),
    webhookIds: undefined,
    secrets: undefined,
    previousSecrets: undefined,
    authPasswords: undefined,
    secretRotatedAt: undefined,
    enabled: undefined,
    attempts: undefined,
    logs: undefined,
    unmanagedWebhooks: undefined,
  };
}
