/**
 * The Appwrite client each step talks through: the target of the resource (its endpoint,
 * project and key, or the provider's settings), with its secrets redacted from any error and
 * its retries reported on stderr, where the engine shows them.
 */
import { AppwriteClient } from "../appwrite/client";
import { invalidateProject } from "../appwrite/batched-reads";
import { resolveConnection, type Connection } from "../appwrite/config";
import type { WebhookInputs } from "./schema";

export function connect(target: Partial<WebhookInputs>): { client: AppwriteClient; connection: Connection } {
  const connection = resolveConnection({
    endpoint: target.endpoint,
    projectId: target.projectId,
    apiKey: target.apiKey,
  });
  const client = new AppwriteClient(connection, {
    secrets: [target.secret, target.authPassword].filter((s): s is string => typeof s === "string"),
    onRetry: (message) => console.error(`pulumi-appwrite-webhooks: ${message}`),
  });
  return { client, connection };
}

/** A client for a step that writes: cached lists of the project are dropped first. */
export function clientFor(target: Partial<WebhookInputs>): {
  client: AppwriteClient;
  connection: Connection;
} {
  const connected = connect(target);
  invalidateProject(connected.connection);
  return connected;
}
