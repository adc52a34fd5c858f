/**
 * `defineWebhooks`: one `Webhook` per entry of a declaration file. This is what makes the
 * GitOps loop work: edit webhooks.yaml, open a PR, CI runs `pulumi preview`, merge, CI runs
 * `pulumi up`, one stack per environment.
 */
import * as pulumi from "@pulumi/pulumi";
import { Webhook, type WebhookArgs } from "../webhook";
import {
  loadDeclaration,
  parseDeclaration,
  renderDeclaration,
  validateRendered,
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

export function toParsed(source: DeclarationSource): ParsedDeclaration {
  if (typeof source === "string") return loadDeclaration(source);
  if ("declaration" in source) return source;
  return parseDeclaration(JSON.stringify(source), "declaration object");
}

/** A secret stack config value; `namespace:key` names its namespace, a bare key uses `namespace`. */
export function requireSecretConfig(key: string, namespace: string | undefined): pulumi.Output<string> {
  const separator = key.indexOf(":");
  return separator > 0
    ? new pulumi.Config(key.slice(0, separator)).requireSecret(key.slice(separator + 1))
    : new pulumi.Config(namespace).requireSecret(key);
}

/** Renders and validates a declaration for the current stack; throws a DeclarationError naming path and line. */
export function renderForStack(
  source: DeclarationSource,
  options: DefineWebhooksOptions = {},
): {
  parsed: ParsedDeclaration;
  webhooks: DeclaredWebhook[];
} {
  const parsed = toParsed(source);
  const config = new pulumi.Config(options.configNamespace);
  const builtins: Record<string, string> = { stack: pulumi.getStack(), project: pulumi.getProject() };
  const webhooks = renderDeclaration(
    parsed,
    (variable) => options.variables?.[variable] ?? config.get(variable) ?? builtins[variable],
  ).map((webhook) => ({
    ...webhook,
    id: `${options.idPrefix ?? ""}${webhook.id}`,
    url: options.mapUrl ? options.mapUrl(webhook.url, webhook) : webhook.url,
  }));
  validateRendered(parsed, webhooks);
  return { parsed, webhooks };
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
  } else if (typeof policy === "object" && policy.rotationTrigger !== undefined) {
    args.rotationTrigger = policy.rotationTrigger;
  }
  if (options.projectId !== undefined) args.projectId = options.projectId;
  if (options.endpoint !== undefined) args.endpoint = options.endpoint;
  if (options.apiKey !== undefined) args.apiKey = options.apiKey;
  return args;
}

/** Declares one Webhook per entry; returns them keyed by webhook ID. */
export function defineWebhooks(
  source: DeclarationSource,
  options: DefineWebhooksOptions = {},
): Record<string, Webhook> {
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
