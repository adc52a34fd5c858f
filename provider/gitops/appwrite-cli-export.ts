/**
 * `export --format appwrite-cli`: a live project's webhooks as the `webhooks` array of the
 * Appwrite CLI's `appwrite.config.json`, written so that a file from this command and one from
 * `appwrite pull webhooks` diff cleanly. What the CLI does (appwrite/sdk-for-cli 25.1.0,
 * `lib/commands/pull.ts` `pullWebhooks` and `lib/config.ts`):
 * - each entry keeps the six fields of its schema, in the schema's order (`filterBySchema`);
 * - the file is `JSON.stringify(data, null, 4)`, with no newline at the end;
 * - top-level keys follow `CONFIG_KEY_ORDER` (webhooks after teams, before topics), and an empty
 *   resource array is dropped from the file.
 * Into an existing file, only the `webhooks` value is replaced (or the key added, or dropped when
 * there are none): every other byte stays, so a reviewer sees only what changed. Entries keep the
 * file's order, and new webhooks follow in the order Appwrite lists them.
 */
import { applyEdits, findNodeAtLocation, modify, parseTree, type ParseError } from "jsonc-parser";
import type { AppwriteClient, AppwriteWebhook } from "../appwrite/client";
import { APPWRITE_CLI_WEBHOOK_KEYS, type AppwriteCliWebhook } from "./appwrite-cli-file";

/** The top-level keys the CLI writes before `webhooks` (its `CONFIG_KEY_ORDER`). */
const KEYS_BEFORE_WEBHOOKS = [
  "organizationId",
  "projectId",
  "projectName",
  "endpoint",
  "includes",
  "settings",
  "functions",
  "sites",
  "databases",
  "collections",
  "tablesDB",
  "tables",
  "buckets",
  "teams",
];

/** The CLI's indentation, for a file that has none to follow. */
const CLI_INDENT = "    ";

/** An existing file that cannot take the webhooks: reported before any request is made. */
export class AppwriteCliFileError extends Error {
  override name = "AppwriteCliFileError";
}

/** A live webhook as the CLI pulls it: its schema's fields, in its schema's order. */
export function toAppwriteCliEntry(webhook: AppwriteWebhook): AppwriteCliWebhook {
  const entry: Record<string, unknown> = {};
  for (const key of APPWRITE_CLI_WEBHOOK_KEYS) entry[key] = webhook[key];
  return entry as AppwriteCliWebhook;
}

export interface AppwriteCliExport {
  /** The whole file's text. */
  text: string;
  count: number;
  /** Webhooks whose basic-auth username the CLI's file cannot hold (nor `appwrite push` keep). */
  withAuth: string[];
}

/**
 * The file's text with `entries` as its `webhooks`: `existing` changed only there, or, without
 * one, a new file as the CLI writes it.
 */
export function writeAppwriteCliWebhooks(
  existing: string | undefined,
  entries: AppwriteCliWebhook[],
  project: { projectId: string; endpoint: string },
): string {
  if (existing === undefined) {
    const file = { projectId: project.projectId, endpoint: project.endpoint };
    return JSON.stringify(entries.length > 0 ? { ...file, webhooks: entries } : file, null, 4);
  }
  const errors: ParseError[] = [];
  const root = parseTree(existing, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || root?.type !== "object") {
    throw new AppwriteCliFileError("the existing file is not a JSON object, as the Appwrite CLI writes it");
  }
  const keys = new Set(root.children?.map((property) => property.children?.[0]?.value as unknown));
  if (keys.has("version") && !keys.has("projectId")) {
    // Our own declaration file in JSON: its webhooks have another shape, so it is not overwritten.
    throw new AppwriteCliFileError(
      "the existing file is a declaration file of this package (it has a version and no projectId); export it without --format",
    );
  }
  const eol = existing.includes("\r\n") ? "\r\n" : "\n";
  const indent = propertyIndent(existing, root.children?.[0]?.offset) ?? CLI_INDENT;
  const formattingOptions = {
    insertSpaces: !indent.startsWith("\t"),
    tabSize: indent.length,
    eol,
  };
  if (entries.length === 0) {
    // The CLI drops an empty resource array from the file.
    if (!findNodeAtLocation(root, ["webhooks"])) return existing;
    return applyEdits(existing, modify(existing, ["webhooks"], undefined, { formattingOptions }));
  }
  let text = existing;
  if (!findNodeAtLocation(root, ["webhooks"])) {
    // A placeholder where the CLI would put the key, replaced below like an existing value.
    text = applyEdits(
      text,
      modify(text, ["webhooks"], [], {
        formattingOptions,
        getInsertionIndex: (properties) =>
          properties.reduce(
            (after, key, index) => (KEYS_BEFORE_WEBHOOKS.includes(key) ? index + 1 : after),
            0,
          ),
      }),
    );
  }
  const value = findNodeAtLocation(parseTree(text) ?? root, ["webhooks"]);
  if (!value) throw new AppwriteCliFileError("the webhooks key could not be placed in the existing file");
  const lines = JSON.stringify(entries, null, indent).split("\n");
  const valueText = lines.map((line, index) => (index === 0 ? line : indent + line)).join(eol);
  return text.slice(0, value.offset) + valueText + text.slice(value.offset + value.length);
}

/** The whitespace before a top-level key, which is one level of the file's indentation. */
function propertyIndent(text: string, offset: number | undefined): string | undefined {
  if (offset === undefined) return undefined;
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  return /^[ \t]+$/.test(before) ? before : undefined;
}

/** Entries in the existing file's order, then the webhooks it does not hold, as Appwrite lists them. */
function inFileOrder(live: AppwriteCliWebhook[], existing: string | undefined): AppwriteCliWebhook[] {
  const tree = existing === undefined ? undefined : parseTree(existing);
  const listed = tree === undefined ? undefined : findNodeAtLocation(tree, ["webhooks"]);
  const order = new Map<string, number>();
  for (const item of listed?.children ?? []) {
    const id = findNodeAtLocation(item, ["$id"])?.value as unknown;
    if (typeof id === "string" && !order.has(id)) order.set(id, order.size);
  }
  const rank = (entry: AppwriteCliWebhook) => order.get(entry.$id) ?? order.size;
  // Array.prototype.sort is stable: webhooks the file does not hold keep Appwrite's order.
  return [...live].sort((a, b) => rank(a) - rank(b));
}

export async function exportAppwriteCli(
  client: AppwriteClient,
  endpoint: string,
  existing: string | undefined,
): Promise<AppwriteCliExport> {
  // A file that cannot take the webhooks fails before any request.
  if (existing !== undefined) writeAppwriteCliWebhooks(existing, [], { projectId: "", endpoint: "" });
  const live = await client.listAll();
  const entries = inFileOrder(live.map(toAppwriteCliEntry), existing);
  return {
    text: writeAppwriteCliWebhooks(existing, entries, { projectId: client.projectId, endpoint }),
    count: entries.length,
    withAuth: live.filter((webhook) => webhook.authUsername !== "").map((webhook) => webhook.$id),
  };
}
