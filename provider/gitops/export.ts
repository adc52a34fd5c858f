/**
 * Export: a live project's webhooks as a declaration file, the starting point for GitOps on a
 * project that was configured by hand. Signing keys cannot be read back from Appwrite, and
 * basic-auth passwords must not be written into a reviewed file, so both become explicit
 * decisions in the file, with comments saying so.
 */
import type { YAMLMap } from "yaml";
import { Document, YAMLSeq, isMap } from "yaml";
import type { AppwriteClient, AppwriteWebhook } from "../appwrite/client";
import { splitUrlUserinfo } from "../lifecycle/url-rules";
import type { Declaration, DeclaredWebhook } from "./declaration";

/** `orders-v2` → `ordersV2AuthPassword`: a config key name derived from the webhook ID. */
export function passwordConfigKey(id: string): string {
  const camel = id.replace(/[._-]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/[._-]/g, "");
  return `${camel}AuthPassword`;
}

/**
 * A live webhook as a declaration. Credentials in its URL (`user:pw@`, which Appwrite's curl
 * sends as basic auth) become auth fields, with the password left to a secret config key like
 * any other basic-auth password, and the URL loses them: the file is reviewed in plain text, and
 * the resource refuses such a URL for the same reason.
 */
export function toDeclared(webhook: AppwriteWebhook): DeclaredWebhook {
  const { url, username: urlUsername } = splitUrlUserinfo(webhook.url);
  const username = webhook.authUsername || urlUsername;
  return {
    id: webhook.$id,
    name: webhook.name,
    url,
    events: webhook.events,
    enabled: webhook.enabled,
    tls: webhook.tls,
    ...(username ? { auth: { username, passwordConfig: passwordConfigKey(webhook.$id) } } : {}),
    secret: "generate",
    adopt: true,
  };
}

export interface ExportResult {
  declaration: Declaration;
  /** The YAML text, with comments for the decisions a reviewer must make. */
  yaml: string;
  /** Config keys the operator must set as secrets before `pulumi up`. */
  requiredSecretConfig: string[];
}

export async function exportProject(client: AppwriteClient, source: string): Promise<ExportResult> {
  const live = await client.listAll();
  const declaration: Declaration = { version: 1, webhooks: live.map(toDeclared) };
  const requiredSecretConfig = declaration.webhooks.flatMap((w) => (w.auth ? [w.auth.passwordConfig] : []));
  const document = new Document(declaration);
  document.commentBefore = [
    ` Webhooks of Appwrite project "${client.projectId}", exported from ${source} on ${new Date().toISOString()}.`,
    " yaml-language-server: $schema=./node_modules/pulumi-appwrite-webhooks/dist/schema/webhooks.schema.json",
    "",
    " Signing keys cannot be read back from Appwrite. Each webhook is marked `adopt: true` with",
    " `secret: generate`: the first `pulumi up` takes it over and ROTATES its key, so receivers need",
    " the new key (stack output). To keep a key you already hold, use `secret: { fromConfig: <key> }`",
    " and `pulumi config set --secret <key> <value>` before the first `pulumi up`.",
    ...(requiredSecretConfig.length > 0
      ? [
          "",
          " Basic-auth passwords (also those a URL carried as user:password@, now moved to auth:)",
          " are not written here. Set each before `pulumi up`:",
          ...requiredSecretConfig.map((key) => `   pulumi config set --secret ${key} <password>`),
        ]
      : []),
  ].join("\n");
  const webhooks = document.get("webhooks");
  if (webhooks instanceof YAMLSeq) {
    for (const item of webhooks.items) {
      if (isMap(item)) (item as YAMLMap).flow = false;
    }
  }
  return { declaration, yaml: document.toString({ lineWidth: 0 }), requiredSecretConfig };
}
