/**
 * Response models: `webhook` and `webhookList` with the rule order of Appwrite 1.9.6
 * (src/Appwrite/Utopia/Response/Model/Webhook.php), plus the compatibility filters selected by
 * X-Appwrite-Response-Format (Response filter V22 renames fields for formats before 1.9.1;
 * Request filters V22/V21 accept the old names and a missing webhookId).
 */
import { versionCompare } from "../php/php-builtins";
import type { RequestParams } from "./http-io";
import type { StoredWebhook } from "../types";

export type WebhookModel = Record<string, unknown>;

/** The `webhook` model. `secret` is "" unless the endpoint returns it (create, PATCH secret). */
export function webhookModel(webhook: StoredWebhook, includeSecret: boolean): WebhookModel {
  return {
    $id: webhook.$id,
    $createdAt: webhook.$createdAt,
    $updatedAt: webhook.$updatedAt,
    name: webhook.name,
    url: webhook.url,
    events: [...webhook.events],
    tls: webhook.tls,
    authUsername: webhook.authUsername,
    authPassword: webhook.authPassword,
    secret: includeSecret ? webhook.secret : "",
    enabled: webhook.enabled,
    logs: webhook.logs,
    attempts: webhook.attempts,
  };
}

/** True when the client asked for a response format older than `version`. */
function formatBefore(format: string | undefined, version: string): boolean {
  return format !== undefined && format !== "" && versionCompare(format, version) < 0;
}

/**
 * Response filter V22: the pre-1.9.1 names. PHP appends re-added keys at the end of the
 * array, so the old names come after `attempts`.
 */
export function applyResponseFormat(model: WebhookModel, format: string | undefined): WebhookModel {
  if (!formatBefore(format, "1.9.1")) return model;
  const { tls, authUsername, authPassword, secret, ...rest } = model;
  return {
    ...rest,
    security: tls ?? true,
    httpUser: authUsername ?? "",
    httpPass: authPassword ?? "",
    signatureKey: secret ?? "",
  };
}

/** The `webhookList` model, `total` first. */
export function webhookListModel(
  webhooks: readonly StoredWebhook[],
  total: number,
  format: string | undefined,
): object {
  return {
    total,
    webhooks: webhooks.map((webhook) => applyResponseFormat(webhookModel(webhook, false), format)),
  };
}

/**
 * Request filters for webhooks.create / webhooks.update. V22 (< 1.9.1) maps the old names
 * (PHP `isset`, so a null value is not mapped); V21 (< 1.9.0) lets create omit webhookId.
 */
export function applyRequestFormat(
  params: RequestParams,
  format: string | undefined,
  isCreate: boolean,
): RequestParams {
  let result = params;
  if (formatBefore(format, "1.9.0") && isCreate) {
    result = { ...result, webhookId: result["webhookId"] ?? "unique()" };
  }
  if (formatBefore(format, "1.9.1")) {
    result = { ...result };
    for (const [from, to] of [
      ["security", "tls"],
      ["httpUser", "authUsername"],
      ["httpPass", "authPassword"],
    ] as const) {
      if (result[from] !== undefined && result[from] !== null) {
        result[to] = result[from];
        delete result[from];
      }
    }
  }
  return result;
}
