/**
 * The declaration file (`webhooks.yaml` or JSON): the reviewed, versioned list of a project's
 * webhooks, parsed, and checked in one pass against its schema (./declaration-schema), its
 * template variables (./declaration-templates) and the resource's own rules. Errors name the
 * path and, for YAML, the line (./declaration-document), because the reader is a reviewer in a PR.
 * GitOps code imports the file's API from here.
 */
import type { z } from "zod";
import { webhookArgsSchema } from "../lifecycle/schema";
import {
  DeclarationError,
  readDocument,
  readDeclarationFile,
  type Locate,
  type ParsedDeclaration,
} from "./declaration-document";
import {
  declarationSchema,
  declaredWebhookSchema,
  type Declaration,
  type DeclaredWebhook,
} from "./declaration-schema";
import { keepLiteral, renderWebhook } from "./declaration-templates";
import {
  appwriteCliAsDeclaration,
  appwriteCliLocate,
  appwriteCliShapeProblems,
  isAppwriteCliFile,
} from "./appwrite-cli-file";

export * from "./declaration-schema";
export {
  DeclarationError,
  MAX_DECLARATION_BYTES,
  readDeclarationFile,
  type ParsedDeclaration,
} from "./declaration-document";
export { renderDeclaration } from "./declaration-templates";

/** The file's schema problems (shape, types, duplicate IDs), each with path and line. */
function schemaProblems(content: unknown, locate: Locate): { declaration?: Declaration; problems: string[] } {
  const result = declarationSchema.safeParse(content);
  if (!result.success) {
    return {
      problems: result.error.issues.map((issue) => {
        if (issue.code === "unrecognized_keys") {
          return issue.keys.map((key) => `${locate([...issue.path, key])}: unknown key "${key}"`).join("; ");
        }
        if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) {
          return `${locate(issue.path)}: is required (${issue.expected})`;
        }
        return `${locate(issue.path)}: ${issue.message}`;
      }),
    };
  }
  const duplicates = findDuplicateIds(result.data.webhooks.map((webhook) => webhook.id));
  return {
    declaration: result.data,
    problems: duplicates.map(([id, index]) => `${locate(["webhooks", index, "id"])}: duplicate id "${id}"`),
  };
}

/** Parses YAML or JSON text (JSON is YAML) and validates its shape. */
export function parseDeclaration(text: string, source = "webhooks.yaml"): ParsedDeclaration {
  const { content, locate } = readDocument(text, source);
  if (isAppwriteCliFile(source, content)) return checkAppwriteCli(content, locate, source);
  const { declaration, problems } = schemaProblems(content, locate);
  if (!declaration || problems.length > 0) throw new DeclarationError(source, problems);
  return { declaration, locate, source };
}

/**
 * A change a program makes to each rendered webhook before it is declared (an ID prefix, a URL
 * mapping), so the resource's rules are checked on what will be declared. Given only entries
 * that passed the schema.
 */
export type AdjustWebhook = (webhook: DeclaredWebhook) => DeclaredWebhook;

/**
 * Everything wrong with a file in one pass, as `validate` and `defineWebhooks` report it: the
 * schema, then, for the fields of each webhook that passed it, the template variables and the
 * resource's own rules. (Syntax errors alone stop it, since there is no document to check.)
 */
export function checkDeclaration(
  text: string,
  source: string,
  lookup: (variable: string) => string | undefined,
  adjust?: AdjustWebhook,
): ParsedDeclaration {
  const { content, locate } = readDocument(text, source);
  if (isAppwriteCliFile(source, content)) return checkAppwriteCli(content, locate, source, adjust);
  const { declaration, problems } = schemaProblems(content, locate);
  problems.push(...entryProblems(content, locate, lookup, adjust));
  if (!declaration || problems.length > 0) throw new DeclarationError(source, problems);
  return { declaration, locate, source };
}

/**
 * The same one pass for the Appwrite CLI's file (./appwrite-cli-file): its `webhooks` array
 * against the CLI's own shape, then, as the declaration it maps to, duplicate IDs and the
 * resource's rules; its strings are taken literally. Messages name the CLI's fields (`$id`).
 */
function checkAppwriteCli(
  content: unknown,
  fileLocate: Locate,
  source: string,
  adjust?: AdjustWebhook,
): ParsedDeclaration {
  const locate = appwriteCliLocate(fileLocate);
  const problems = appwriteCliShapeProblems(content, fileLocate);
  const mapped = appwriteCliAsDeclaration(content);
  const parsed = declarationSchema.safeParse(mapped);
  // Our rules on the values the CLI's shape lets through (the ID's characters, an empty event
  // list); a field the CLI's shape refused is reported once, above.
  for (const issue of parsed.error?.issues ?? []) {
    const [, index, field] = issue.path;
    const entry = typeof index === "number" ? mapped.webhooks[index] : undefined;
    if (typeof field === "string" && entry && field in entry) {
      problems.push(`${locate(issue.path)}: ${issue.message}`);
    }
  }
  const ids = mapped.webhooks.map((entry) => entry.id).filter((id): id is string => typeof id === "string");
  problems.push(
    ...findDuplicateIds(ids).map(
      ([id, index]) => `${locate(["webhooks", index, "id"])}: duplicate id "${id}"`,
    ),
  );
  problems.push(...entryProblems(mapped, locate, keepLiteral, adjust));
  if (!parsed.success || problems.length > 0) throw new DeclarationError(source, problems);
  return { declaration: parsed.data, locate, source, format: "appwrite-cli" };
}

/** The same one pass for a declaration already parsed (so its schema holds): variables and rules. */
export function checkParsed(
  parsed: ParsedDeclaration,
  lookup: (variable: string) => string | undefined,
  adjust?: AdjustWebhook,
): void {
  const problems = entryProblems(
    parsed.declaration,
    parsed.locate,
    parsed.format === "appwrite-cli" ? keepLiteral : lookup,
    adjust,
  );
  if (problems.length > 0) throw new DeclarationError(parsed.source, problems);
}

/** Per webhook entry: undefined template variables, then the resource's rules on what rendered. */
function entryProblems(
  content: unknown,
  locate: Locate,
  lookup: (variable: string) => string | undefined,
  adjust: AdjustWebhook | undefined,
): string[] {
  const problems: string[] = [];
  const raw = isRecord(content) ? content : {};
  const variables = declarationSchema.shape.variables.safeParse(raw.variables).data;
  const defaults = declarationSchema.shape.defaults.safeParse(raw.defaults).data;
  const webhooks = Array.isArray(raw.webhooks) ? raw.webhooks : [];
  webhooks.forEach((entry, index) => {
    const unresolved = new Set<string>();
    let rendered = renderWebhook(usableFields(entry), index, {
      variables,
      locate,
      lookup,
      problems,
      unresolved,
    });
    const complete = declaredWebhookSchema.safeParse(rendered);
    if (adjust && complete.success) rendered = adjust(complete.data);
    const checkable = Object.fromEntries(Object.entries(rendered).filter(([key]) => !unresolved.has(key)));
    problems.push(...webhookProblems(checkable, index, defaults?.eventValidation ?? "1.9.6", locate));
  });
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The fields of a webhook entry that pass their own schema; the others are already reported. */
function usableFields(entry: unknown): Partial<DeclaredWebhook> {
  if (!isRecord(entry)) return {};
  const fields: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(declaredWebhookSchema.shape)) {
    const result = (schema as z.ZodType).safeParse(entry[key]);
    if (key in entry && result.success) fields[key] = result.data;
  }
  return fields as Partial<DeclaredWebhook>;
}

function findDuplicateIds(ids: string[]): Array<[string, number]> {
  const seen = new Set<string>();
  const duplicates: Array<[string, number]> = [];
  ids.forEach((id, index) => {
    if (seen.has(id)) duplicates.push([id, index]);
    seen.add(id);
  });
  return duplicates;
}

export function loadDeclaration(file: string): ParsedDeclaration {
  return parseDeclaration(readDeclarationFile(file), file);
}

/** Stand-ins for fields a broken entry lacks, so the rules still run on the fields it has. */
const STAND_INS = {
  name: "n",
  url: "https://hooks.example.com/",
  events: ["users.*.create"],
  webhookId: "n",
};

/** The resource's own rules (URL, events, lengths) on one rendered webhook, as file paths and lines. */
function webhookProblems(
  webhook: Partial<DeclaredWebhook>,
  index: number,
  eventValidation: "1.9.6" | "main" | "off",
  locate: Locate,
): string[] {
  const declared = {
    name: webhook.name,
    url: webhook.url,
    events: webhook.events,
    webhookId: webhook.id,
    ...(webhook.auth ? { authUsername: webhook.auth.username, authPassword: "placeholder" } : {}),
  };
  const present = new Set(
    Object.keys(declared).filter((key) => declared[key as keyof typeof declared] !== undefined),
  );
  const result = webhookArgsSchema.safeParse({ ...STAND_INS, ...compactObject(declared), eventValidation });
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => {
    const [field, ...rest] = issue.path;
    if (field !== undefined && !present.has(String(field))) return [];
    const fileField = field === "webhookId" ? "id" : field === "authUsername" ? "auth" : field;
    return [
      `${locate(["webhooks", index, ...(fileField === undefined ? [] : [fileField]), ...rest])}: ${issue.message}`,
    ];
  });
}

function compactObject<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Validates each rendered webhook against the resource's own rules (URL, events, lengths), so
 * a bad file fails before Pulumi starts and the message names the file path and line.
 */
export function validateRendered(parsed: ParsedDeclaration, webhooks: DeclaredWebhook[]): void {
  const eventValidation = parsed.declaration.defaults?.eventValidation ?? "1.9.6";
  const problems = webhooks.flatMap((webhook, index) =>
    webhookProblems(webhook, index, eventValidation, parsed.locate),
  );
  if (problems.length > 0) throw new DeclarationError(parsed.source, problems);
}
