/**
 * The webhooks of a set's project that no entry declares. Found by the one paged list a refresh
 * (or an `up` that changed the set) makes, recorded in state as `unmanagedWebhooks`, reported,
 * or deleted by the next `up` under `unmanaged: "delete"`, except those `ignoreUnmanaged` leaves
 * to other tools.
 */
import type { AppwriteWebhook } from "../../appwrite/client";
import { splitUrlUserinfo } from "../url-rules";
import type { UnmanagedPolicy, UnmanagedWebhook } from "./types";

/**
 * Whether `ignoreUnmanaged` leaves the webhook `id` alone: an exact ID, or a pattern where `*`
 * stands for any run of characters (`console-*`). Webhook IDs hold only [A-Za-z0-9._-], so no
 * other character is special.
 */
export function isIgnored(id: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    if (!pattern.includes("*")) return pattern === id;
    const regex = pattern
      .split("*")
      .map((part) => part.replace(/[.]/g, "\\."))
      .join(".*");
    return new RegExp(`^${regex}$`).test(id);
  });
}

/**
 * The listed webhooks that are neither declared nor ignored, by ID order. A URL made outside
 * Pulumi may carry credentials (`user:pw@`, which Appwrite sends as basic auth); they are dropped
 * here, because this list is plain state and goes into warnings and previews.
 */
export function findUnmanaged(
  live: readonly AppwriteWebhook[],
  declaredIds: ReadonlySet<string>,
  policy: UnmanagedPolicy,
  ignore: readonly string[],
): UnmanagedWebhook[] {
  if (policy === "ignore") return [];
  return live
    .filter((webhook) => !declaredIds.has(webhook.$id) && !isIgnored(webhook.$id, ignore))
    .map((webhook) => ({
      id: webhook.$id,
      name: webhook.name,
      url: splitUrlUserinfo(webhook.url).url,
      events: [...webhook.events],
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const described = (found: readonly UnmanagedWebhook[]): string => {
  const shown = found.slice(0, 20).map((webhook) => `${webhook.id} ("${webhook.name}", ${webhook.url})`);
  const more = found.length > shown.length ? `, and ${found.length - shown.length} more` : "";
  return `${shown.join(", ")}${more}`;
};

/**
 * What a preview prints when `up` will delete unmanaged webhooks. The plugin door's detailed diff
 * lists them too; the dynamic door's host forwards no detailed diff, and this line is how its
 * preview names them for the pull request's reviewer.
 */
export function unmanagedDeletionNotice(projectId: string, doomed: readonly UnmanagedWebhook[]): string {
  return (
    `pulumi-appwrite-webhooks: unmanaged: "delete" — \`pulumi up\` will delete ${doomed.length} webhook(s) of ` +
    `project ${projectId} that this WebhookSet does not declare: ${described(doomed)}`
  );
}

/** The warning a `report` policy prints: which webhooks, and the two ways to settle them. */
export function unmanagedWarning(projectId: string, found: readonly UnmanagedWebhook[]): string {
  return (
    `pulumi-appwrite-webhooks: project ${projectId} has ${found.length} webhook(s) that this WebhookSet ` +
    `does not declare: ${described(found)}. Declare them (an entry with their webhookId takes them over), ` +
    'list them in ignoreUnmanaged, or set unmanaged: "delete" to remove them on the next `pulumi up`.'
  );
}
