/**
 * The declaration file (`webhooks.yaml` or JSON): the reviewed, versioned list of a project's
 * webhooks. One zod schema validates it, types it, and generates the JSON Schema editors use.
 * Errors name the path and, for YAML, the line, because the reader is a reviewer in a PR.
 */
import { readFileSync, statSync } from "node:fs";
import { LineCounter, isNode, parseDocument } from "yaml";
import { z } from "zod";
import { booleanField, webhookArgsSchema } from "../lifecycle/schema";

/** A stack config key (`key` or `namespace:key`) whose value is a secret. */
const configKey = z.string().regex(/^([A-Za-z0-9_.-]+:)?[A-Za-z0-9_.-]+$/, {
  message: "must be a stack config key such as receiverPassword or app:receiverPassword",
});

/** Changing it sets the key again: a new generated one, or the declared one (see below). */
const rotationTrigger = z.union([z.string(), z.number()]).optional();

/**
 * Where a webhook's signing key comes from:
 * - "generate" (default): Appwrite generates it; `rotationTrigger` asks for a new one;
 * - fromConfig: your own key, from a secret stack config value (zero-downtime rotation:
 *   configure receivers first, then change the value). `rotationTrigger` sets that key again:
 *   the way back after the key was changed in the console, which no refresh can see.
 */
export const secretPolicySchema = z.union([
  z.literal("generate"),
  z.strictObject({ generate: z.literal(true), rotationTrigger }),
  z.strictObject({ fromConfig: configKey, rotationTrigger }),
]);

export const declaredWebhookSchema = z.strictObject({
  /** The Appwrite webhook ID, also the Pulumi resource name. */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/, {
    message:
      "must be 1–36 characters of a-z, A-Z, 0-9, period, hyphen and underscore, not starting with a special character",
  }),
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()).min(1, { message: "must list at least one event" }),
  enabled: booleanField("enabled").optional(),
  tls: booleanField("tls").optional(),
  auth: z
    .strictObject({
      username: z.string(),
      /** Never inline: the password is read from this secret stack config key. */
      passwordConfig: configKey,
    })
    .optional(),
  secret: secretPolicySchema.optional(),
  /** Take over a webhook that already exists with this ID (its key is replaced). */
  adopt: booleanField("adopt").optional(),
});

export const declarationSchema = z.strictObject({
  /** Format version of this file. */
  version: z.literal(1),
  /** Default values of template variables; stack config and explicit options override them. */
  variables: z.record(z.string(), z.string()).optional(),
  defaults: z
    .strictObject({
      enabled: booleanField("enabled").optional(),
      tls: booleanField("tls").optional(),
      eventValidation: z.enum(["1.9.6", "main", "off"]).optional(),
    })
    .optional(),
  webhooks: z.array(declaredWebhookSchema),
});

export type SecretPolicy = z.infer<typeof secretPolicySchema>;
export type DeclaredWebhook = z.infer<typeof declaredWebhookSchema>;
export type Declaration = z.infer<typeof declarationSchema>;

/** JSON Schema of the file, for editors (`# yaml-language-server: $schema=…`). */
export function declarationJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "pulumi-appwrite-webhooks declaration file",
    ...(z.toJSONSchema(declarationSchema, { io: "input" }) as Record<string, unknown>),
  };
}

export class DeclarationError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(
      `${source}: ${problems.length} problem${problems.length === 1 ? "" : "s"}\n  - ${problems.join("\n  - ")}`,
    );
    this.name = "DeclarationError";
  }
}

/** Where a value sits in the file, for messages: `webhooks[2].url (line 14)`. */
type Locate = (path: readonly PropertyKey[]) => string;

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`))
    .join("");
}

export interface ParsedDeclaration {
  declaration: Declaration;
  locate: Locate;
  source: string;
}

/**
 * The largest declaration file read, in bytes: 1 MiB. An entry as `export` writes it (auth, two
 * events, its comment) is about 460 bytes, so this holds over 2,000 webhooks, more than one stack
 * should manage. The YAML parser's cost grows with the text (1 MiB takes about 4 s and 240 MB;
 * 5 MB took 16 s and 583 MB), so a larger file is refused before it is parsed: it is a generated
 * or concatenated file by mistake, or a set to split into several stacks.
 */
export const MAX_DECLARATION_BYTES = 1024 * 1024;

function tooLarge(source: string, bytes: number): DeclarationError {
  return new DeclarationError(source, [
    `(file): is ${bytes} bytes, over the limit of ${MAX_DECLARATION_BYTES} bytes (1 MiB, about 2,000 webhooks); ` +
      "split the webhooks into several files and stacks",
  ]);
}

/** The YAML (or JSON) document as plain data, with a locator; syntax errors are fatal. */
function readDocument(text: string, source: string): { content: unknown; locate: Locate } {
  // Checked before parsing: the parser's time and memory grow with the text.
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_DECLARATION_BYTES) throw tooLarge(source, bytes);
  const lineCounter = new LineCounter();
  let document: ReturnType<typeof parseDocument>;
  try {
    document = parseDocument(text, { lineCounter, uniqueKeys: true });
  } catch (error) {
    // Input nested deeper than the parser's stack (thousands of brackets) throws a RangeError.
    throw unreadable(source, error);
  }
  if (document.errors.length > 0) {
    throw new DeclarationError(
      source,
      document.errors.map(
        (error) => `${error.message.split("\n")[0]} (line ${error.linePos?.[0]?.line ?? "?"})`,
      ),
    );
  }
  const locate: Locate = (path) => {
    // A missing value has no line of its own: report the line of the nearest enclosing node.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth) as unknown[], true);
      const offset = isNode(node) ? node.range?.[0] : undefined;
      if (offset !== undefined)
        return `${pathText(path) || "(file)"} (line ${lineCounter.linePos(offset).line})`;
    }
    return pathText(path) || "(file)";
  };
  try {
    return { content: document.toJS(), locate };
  } catch (error) {
    // The YAML parser refuses alias bombs ("Excessive alias count …") only when it expands them.
    throw unreadable(source, error);
  }
}

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
  const duplicates = findDuplicateIds(result.data.webhooks);
  return {
    declaration: result.data,
    problems: duplicates.map(([id, index]) => `${locate(["webhooks", index, "id"])}: duplicate id "${id}"`),
  };
}

/** Parses YAML or JSON text (JSON is YAML) and validates its shape. */
export function parseDeclaration(text: string, source = "webhooks.yaml"): ParsedDeclaration {
  const { content, locate } = readDocument(text, source);
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
  const { declaration, problems } = schemaProblems(content, locate);
  problems.push(...entryProblems(content, locate, lookup, adjust));
  if (!declaration || problems.length > 0) throw new DeclarationError(source, problems);
  return { declaration, locate, source };
}

/** The same one pass for a declaration already parsed (so its schema holds): variables and rules. */
export function checkParsed(
  parsed: ParsedDeclaration,
  lookup: (variable: string) => string | undefined,
  adjust?: AdjustWebhook,
): void {
  const problems = entryProblems(parsed.declaration, parsed.locate, lookup, adjust);
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

/** A file the YAML parser gave up on: still a DeclarationError, so callers handle one error type. */
function unreadable(source: string, error: unknown): DeclarationError {
  return new DeclarationError(source, [`(file): ${error instanceof Error ? error.message : String(error)}`]);
}

function findDuplicateIds(webhooks: DeclaredWebhook[]): Array<[string, number]> {
  const seen = new Set<string>();
  const duplicates: Array<[string, number]> = [];
  webhooks.forEach((webhook, index) => {
    if (seen.has(webhook.id)) duplicates.push([webhook.id, index]);
    seen.add(webhook.id);
  });
  return duplicates;
}

/** A declaration file's text, refused by its size before it is read. */
export function readDeclarationFile(file: string): string {
  const { size } = statSync(file);
  if (size > MAX_DECLARATION_BYTES) throw tooLarge(file, size);
  return readFileSync(file, "utf8");
}

export function loadDeclaration(file: string): ParsedDeclaration {
  return parseDeclaration(readDeclarationFile(file), file);
}

const TEMPLATE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

interface RenderContext {
  variables: Record<string, string> | undefined;
  locate: Locate;
  lookup: (variable: string) => string | undefined;
  problems: string[];
  /** Fields left with an undefined variable: their rules would only repeat that problem. */
  unresolved?: Set<string>;
}

/**
 * Substitutes `${variable}` in the string fields (name, url, auth username, rotation trigger). A variable that
 * is not defined is an error naming the path, never an empty string in a URL.
 */
export function renderDeclaration(
  parsed: ParsedDeclaration,
  lookup: (variable: string) => string | undefined,
): DeclaredWebhook[] {
  const context: RenderContext = {
    variables: parsed.declaration.variables,
    locate: parsed.locate,
    lookup,
    problems: [],
  };
  const rendered = parsed.declaration.webhooks.map((webhook, index) =>
    renderWebhook(webhook, index, context),
  );
  if (context.problems.length > 0) throw new DeclarationError(parsed.source, context.problems);
  return rendered;
}

function renderWebhook<T extends Partial<DeclaredWebhook>>(
  webhook: T,
  index: number,
  context: RenderContext,
): T {
  const render = (value: string, path: PropertyKey[]): string =>
    value.replace(TEMPLATE, (match, variable: string) => {
      const resolved = context.lookup(variable) ?? context.variables?.[variable];
      if (resolved === undefined) {
        context.problems.push(
          `${context.locate(path)}: template variable \${${variable}} is not defined (set it in variables:, in stack config, or in the options)`,
        );
        context.unresolved?.add(String(path[2]));
        return match;
      }
      return resolved;
    });
  const at = (...path: PropertyKey[]) => ["webhooks", index, ...path];
  return {
    ...webhook,
    ...(typeof webhook.secret === "object" &&
    "rotationTrigger" in webhook.secret &&
    typeof webhook.secret.rotationTrigger === "string"
      ? {
          secret: {
            ...webhook.secret,
            rotationTrigger: render(webhook.secret.rotationTrigger, at("secret", "rotationTrigger")),
          },
        }
      : {}),
    ...(webhook.name === undefined ? {} : { name: render(webhook.name, at("name")) }),
    ...(webhook.url === undefined ? {} : { url: render(webhook.url, at("url")) }),
    ...(webhook.auth
      ? { auth: { ...webhook.auth, username: render(webhook.auth.username, at("auth", "username")) } }
      : {}),
  };
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
