/**
 * The Appwrite CLI's project file (`appwrite.config.json`, or the older `appwrite.json`) as a
 * declaration source. Since CLI 18.0 its `webhooks` array holds one entry per webhook with
 * exactly six fields, `$id`, `name`, `url`, `events`, `enabled` and `tls` (the CLI's zod
 * `WebhookSchema`, strict, in appwrite/sdk-for-cli `lib/commands/config.ts`; the same list is
 * `WebhookKeys` in the Go rewrite's `internal/config/resource.go`). Nothing else of the file
 * (projectId, databases, functions…) is read: the connection comes from stack config, as for
 * `webhooks.yaml`.
 *
 * An entry means what `appwrite push webhooks` makes of it, so a project moves between the two
 * tools without a silent change: the CLI sends `enabled` and `tls` only when the entry has them,
 * and Appwrite's defaults for an omitted field are `enabled: true` and `tls: false`.
 */
import { basename } from "node:path";
import { z } from "zod";
import type { Locate } from "./declaration-document";

/** The file names the CLI looks for, newest first (its `Local.CONFIG_FILE_PATH` and `_LEGACY`). */
export const APPWRITE_CLI_FILE_NAMES = ["appwrite.config.json", "appwrite.json"] as const;

/** The CLI's fields of a webhook entry, in the order `appwrite pull webhooks` writes them. */
export const APPWRITE_CLI_WEBHOOK_KEYS = ["$id", "name", "url", "events", "enabled", "tls"] as const;

/** What Appwrite stores for a field the CLI does not send (the create and update defaults). */
const APPWRITE_DEFAULTS = { enabled: true, tls: false } as const;

/** One entry of the CLI's `webhooks` array: its fields and types, and no other field. */
export const appwriteCliWebhookSchema = z.strictObject({
  $id: z.string(),
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean().optional(),
  tls: z.boolean().optional(),
});
export type AppwriteCliWebhook = z.infer<typeof appwriteCliWebhookSchema>;

/**
 * The part of the file this package reads. `includes.webhooks` moves the array to a file of its
 * own (CLI 25.0); that split is not followed, and is reported rather than read as "no webhooks".
 */
const appwriteCliFileSchema = z.looseObject({
  includes: z.looseObject({ webhooks: z.never().optional() }).optional(),
  webhooks: z.array(appwriteCliWebhookSchema).optional(),
});

/**
 * Which format a file is in. The CLI's file by its name, or by its content: an object with a
 * `projectId` (which the CLI requires) and no `version` (which ours requires), so a renamed copy
 * such as `staging.appwrite.json` is read the same way.
 */
export function isAppwriteCliFile(source: string, content: unknown): boolean {
  if ((APPWRITE_CLI_FILE_NAMES as readonly string[]).includes(basename(source))) return true;
  return isRecord(content) && "projectId" in content && !("version" in content);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Problems with the file's `webhooks` array against the CLI's own shape, each with path and line. */
export function appwriteCliShapeProblems(content: unknown, locate: Locate): string[] {
  const result = appwriteCliFileSchema.safeParse(content);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys
        .map(
          (key) =>
            `${locate([...issue.path, key])}: unknown key "${key}" (an Appwrite CLI webhook has only ${APPWRITE_CLI_WEBHOOK_KEYS.join(", ")})`,
        )
        .join("; ");
    }
    if (issue.path[0] === "includes") {
      return `${locate(issue.path)}: webhooks kept in an included file are not read; move them back into the "webhooks" array of this file`;
    }
    if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) {
      return `${locate(issue.path)}: is required (${issue.expected})`;
    }
    return `${locate(issue.path)}: ${issue.message}`;
  });
}

/**
 * The file as a declaration document (`version: 1`, `webhooks` with `id`), from the fields of
 * each entry that pass the CLI's shape (the others are already reported), so the resource's own
 * rules still run on the fields an entry has.
 */
export function appwriteCliAsDeclaration(content: unknown): {
  version: 1;
  webhooks: Array<Record<string, unknown>>;
} {
  const webhooks = isRecord(content) && Array.isArray(content.webhooks) ? content.webhooks : [];
  return {
    version: 1,
    webhooks: webhooks.map((entry) => {
      if (!isRecord(entry)) return {};
      const fields: Record<string, unknown> = { ...APPWRITE_DEFAULTS };
      for (const key of APPWRITE_CLI_WEBHOOK_KEYS) {
        if (key in entry && appwriteCliWebhookSchema.shape[key].safeParse(entry[key]).success) {
          fields[key === "$id" ? "id" : key] = entry[key];
        }
      }
      return fields;
    }),
  };
}

/** A locator for the declaration form that names the CLI's field (`$id`, not `id`). */
export function appwriteCliLocate(locate: Locate): Locate {
  return (path) =>
    locate(path.map((key, index) => (index === 2 && path[0] === "webhooks" && key === "id" ? "$id" : key)));
}
