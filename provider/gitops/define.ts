/**
 * `defineWebhooks`: one `Webhook` per entry of a declaration file. This is what makes the
 * GitOps loop work: edit webhooks.yaml, open a PR, CI runs `pulumi preview`, merge, CI runs
 * `pulumi up`, one stack per environment.
 */
import * as pulumi from "@pulumi/pulumi";
import { Webhook, type WebhookArgs } from "../dynamic/webhook";
import { WebhookSet, type WebhookSetArgs, type WebhookSetEntryArgs } from "../dynamic/webhook-set";
import { SET_LEVEL_KEYS } from "../lifecycle/webhook-set/types";
import {
  DeclarationError,
  checkDeclaration,
  checkParsed,
  readDeclarationFile,
  renderDeclaration,
  type AdjustWebhook,
  type Declaration,
  type DeclaredWebhook,
  type ParsedDeclaration,
} from "./declaration";

export interface DefineWebhooksOptions {
  /** Template variables; they win over stack config and the file's `variables:`. */
  variables?: Record<string, string>;
  /**
   * Stack config namespace for template variables and secret keys without a namespace.
   * Default: the project's own (`pulumi config set env prod`).
   */
  configNamespace?: string;
  /** Connection for every webhook of the file, e.g. another project when cloning. */
  projectId?: pulumi.Input<string>;
  endpoint?: pulumi.Input<string>;
  apiKey?: pulumi.Input<string>;
  /** Prefix of the Pulumi resource names, so two sets can live in one program. */
  namePrefix?: string;
  /**
   * Prefix of the Appwrite webhook IDs. Appwrite IDs are unique per server, so a copy in another
   * project of the same server needs different IDs.
   */
  idPrefix?: string;
  /** Overrides the signing key of a webhook (used by cloning); undefined keeps the file's policy. */
  secretFor?: (webhook: DeclaredWebhook) => pulumi.Input<string> | undefined;
  /** Rewrites each rendered URL (used by cloning to map URLs per environment). */
  mapUrl?: (url: string, webhook: DeclaredWebhook) => string;
  resourceOptions?: pulumi.CustomResourceOptions;
}

export type DeclarationSource = string | Declaration | ParsedDeclaration;

/** A secret stack config value; `namespace:key` names its namespace, a bare key uses `namespace`. */
export function requireSecretConfig(key: string, namespace: string | undefined): pulumi.Output<string> {
  const separator = key.indexOf(":");
  return separator > 0
    ? new pulumi.Config(key.slice(0, separator)).requireSecret(key.slice(separator + 1))
    : new pulumi.Config(namespace).requireSecret(key);
}

/**
 * Every problem of the file at once (schema, template variables, the resource's rules on the
 * prefixed IDs and mapped URLs), as `validate` lists them, reported as a Pulumi RunError: the
 * engine prints its message alone, where any other error comes with the program's stack trace,
 * which says nothing about a file. The DeclarationError is its `cause`.
 */
function checkForStack(
  source: DeclarationSource,
  lookup: (variable: string) => string | undefined,
  adjust: AdjustWebhook,
): ParsedDeclaration {
  try {
    if (typeof source === "string")
      return checkDeclaration(readDeclarationFile(source), source, lookup, adjust);
    if (!("declaration" in source)) {
      return checkDeclaration(JSON.stringify(source), "declaration object", lookup, adjust);
    }
    checkParsed(source, lookup, adjust);
    return source;
  } catch (error) {
    if (error instanceof DeclarationError) throw new pulumi.RunError(error.message, { cause: error });
    throw error;
  }
}

/** Renders and validates a declaration for the current stack; throws a RunError naming each path and line. */
export function renderForStack(
  source: DeclarationSource,
  options: DefineWebhooksOptions = {},
): {
  parsed: ParsedDeclaration;
  webhooks: DeclaredWebhook[];
} {
  const config = new pulumi.Config(options.configNamespace);
  const builtins: Record<string, string> = { stack: pulumi.getStack(), project: pulumi.getProject() };
  const lookup = (variable: string) =>
    options.variables?.[variable] ?? config.get(variable) ?? builtins[variable];
  const adjust: AdjustWebhook = (webhook) => ({
    ...webhook,
    id: `${options.idPrefix ?? ""}${webhook.id}`,
    url: options.mapUrl ? options.mapUrl(webhook.url, webhook) : webhook.url,
  });
  const parsed = checkForStack(source, lookup, adjust);
  // Checked above, so rendering finds nothing more to report.
  return { parsed, webhooks: renderDeclaration(parsed, lookup).map(adjust) };
}

export function argsFor(
  webhook: DeclaredWebhook,
  declaration: Declaration,
  options: DefineWebhooksOptions,
): WebhookArgs {
  const policy = webhook.secret ?? "generate";
  const override = options.secretFor?.(webhook);
  const args: WebhookArgs = {
    webhookId: webhook.id,
    name: webhook.name,
    url: webhook.url,
    events: webhook.events,
    enabled: webhook.enabled ?? declaration.defaults?.enabled ?? true,
    tls: webhook.tls ?? declaration.defaults?.tls ?? true,
    eventValidation: declaration.defaults?.eventValidation ?? "1.9.6",
    adopt: webhook.adopt ?? false,
  };
  if (webhook.auth) {
    args.authUsername = webhook.auth.username;
    args.authPassword = requireSecretConfig(webhook.auth.passwordConfig, options.configNamespace);
  }
  if (override !== undefined) args.secret = override;
  else if (typeof policy === "object" && "fromConfig" in policy) {
    args.secret = requireSecretConfig(policy.fromConfig, options.configNamespace);
  }
  // With a declared key, a new trigger sets that key again (over one changed outside Pulumi);
  // without one, it sets a new generated key.
  if (typeof policy === "object" && policy.rotationTrigger !== undefined) {
    args.rotationTrigger = policy.rotationTrigger;
  }
  if (options.projectId !== undefined) args.projectId = options.projectId;
  if (options.endpoint !== undefined) args.endpoint = options.endpoint;
  if (options.apiKey !== undefined) args.apiKey = options.apiKey;
  return args;
}

/** `defineWebhooks` with `as: "set"`: the whole file as one `WebhookSet`. */
export interface DefineWebhookSetOptions
  extends DefineWebhooksOptions, Pick<WebhookSetArgs, "unmanaged" | "ignoreUnmanaged" | "concurrency"> {
  as: "set";
  /** The set's resource name; default `<namePrefix>webhooks`. */
  name?: string;
}

/**
 * Declares one Webhook per entry and returns them keyed by webhook ID; with `as: "set"`, one
 * `WebhookSet` whose entries are keyed the same way.
 */
export function defineWebhooks(
  source: DeclarationSource,
  options?: DefineWebhooksOptions & { as?: "webhooks" },
): Record<string, Webhook>;
export function defineWebhooks(source: DeclarationSource, options: DefineWebhookSetOptions): WebhookSet;
export function defineWebhooks(
  source: DeclarationSource,
  options: (DefineWebhooksOptions & { as?: "webhooks" }) | DefineWebhookSetOptions = {},
): Record<string, Webhook> | WebhookSet {
  if (options.as === "set") return defineWebhookSet(source, options);
  const { parsed, webhooks } = renderForStack(source, options);
  const result: Record<string, Webhook> = {};
  for (const webhook of webhooks) {
    // Keyed by the ID as declared in the file, whatever prefix the copy carries.
    result[webhook.id.slice((options.idPrefix ?? "").length)] = new Webhook(
      `${options.namePrefix ?? ""}${webhook.id}`,
      argsFor(webhook, parsed.declaration, options),
      options.resourceOptions,
    );
  }
  return result;
}

function defineWebhookSet(source: DeclarationSource, options: DefineWebhookSetOptions): WebhookSet {
  const { parsed, webhooks } = renderForStack(source, options);
  const adopted = webhooks.filter((webhook) => webhook.adopt === true).map((webhook) => webhook.id);
  if (adopted.length > 0) {
    // A set takes over an existing webhook through its declared ID (when name, URL and events
    // match), and destroys all of its webhooks: `adopt`'s leave-in-place promise has no place in it.
    throw new pulumi.RunError(
      `adopt is a per-Webhook setting and has no meaning in a WebhookSet (entries: ${adopted.join(", ")}). ` +
        "Remove it: an entry that declares an existing webhook's ID with the same name, url and events takes that webhook over.",
    );
  }
  const entries: Record<string, WebhookSetEntryArgs> = {};
  for (const webhook of webhooks) {
    const args: Partial<WebhookArgs> = argsFor(webhook, parsed.declaration, options);
    for (const key of SET_LEVEL_KEYS) delete args[key];
    entries[webhook.id.slice((options.idPrefix ?? "").length)] = args as WebhookSetEntryArgs;
  }
  return new WebhookSet(
    options.name ?? `${options.namePrefix ?? ""}webhooks`,
    {
      webhooks: entries,
      eventValidation: parsed.declaration.defaults?.eventValidation ?? "1.9.6",
      ...(options.unmanaged === undefined ? {} : { unmanaged: options.unmanaged }),
      ...(options.ignoreUnmanaged === undefined ? {} : { ignoreUnmanaged: options.ignoreUnmanaged }),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.projectId === undefined ? {} : { projectId: options.projectId }),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    },
    options.resourceOptions,
  );
}
