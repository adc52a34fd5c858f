/**
 * The declaration file (`webhooks.yaml` or JSON): the reviewed, versioned list of a project's
 * webhooks. One zod schema validates it, types it, and generates the JSON Schema editors use.
 * Errors name the path and, for YAML, the line, because the reader is a reviewer in a PR.
 */
import { readFileSync } from "node:fs";
import { LineCounter, isNode, parseDocument } from "yaml";
import { z } from "zod";
import { webhookArgsSchema } from "../schema";

/** A stack config key (`key` or `namespace:key`) whose value is a secret. */
const configKey = z.string().regex(/^([A-Za-z0-9_.-]+:)?[A-Za-z0-9_.-]+$/, {
  message: "must be a stack config key such as receiverPassword or app:receiverPassword",
});

/**
 * Where a webhook's signing key comes from:
 * - "generate" (default): Appwrite generates it; `rotationTrigger` asks for a new one;
 * - fromConfig: your own key, from a secret stack config value (zero-downtime rotation:
 *   configure receivers first, then change the value).
 */
export const secretPolicySchema = z.union([
  z.literal("generate"),
  z.strictObject({
    generate: z.literal(true),
    rotationTrigger: z.union([z.string(), z.number()]).optional(),
  }),
  z.strictObject({ fromConfig: configKey }),
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
  enabled: z.boolean().optional(),
  tls: z.boolean().optional(),
  auth: z
    .strictObject({
      username: z.string(),
      /** Never inline: the password is read from this secret stack config key. */
      passwordConfig: configKey,
    })
    .optional(),
  secret: secretPolicySchema.optional(),
  /** Take over a webhook that already exists with this ID (its key is replaced). */
  adopt: z.boolean().optional(),
});

export const declarationSchema = z.strictObject({
  /** Format version of this file. */
  version: z.literal(1),
  /** Default values of template variables; stack config and explicit options override them. */
  variables: z.record(z.string(), z.string()).optional(),
  defaults: z
    .strictObject({
      enabled: z.boolean().optional(),
      tls: z.boolean().optional(),
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

/** Parses YAML or JSON text (JSON is YAML) and validates it. */
export function parseDeclaration(text: string, source = "webhooks.yaml"): ParsedDeclaration {
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
  let content: unknown;
  try {
    content = document.toJS();
  } catch (error) {
    // The YAML parser refuses alias bombs ("Excessive alias count …") only when it expands them.
    throw unreadable(source, error);
  }
  const result = declarationSchema.safeParse(content);
  if (!result.success) {
    throw new DeclarationError(
      source,
      result.error.issues.map((issue) => {
        if (issue.code === "unrecognized_keys") {
          return issue.keys.map((key) => `${locate([...issue.path, key])}: unknown key "${key}"`).join("; ");
        }
        if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) {
          return `${locate(issue.path)}: is required (${issue.expected})`;
        }
        return `${locate(issue.path)}: ${issue.message}`;
      }),
    );
  }
  const duplicates = findDuplicateIds(result.data.webhooks);
  if (duplicates.length > 0) {
    throw new DeclarationError(
      source,
      duplicates.map(([id, index]) => `${locate(["webhooks", index, "id"])}: duplicate id "${id}"`),
    );
  }
  return { declaration: result.data, locate, source };
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

export function loadDeclaration(file: string): ParsedDeclaration {
  return parseDeclaration(readFileSync(file, "utf8"), file);
}

const TEMPLATE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Substitutes `${variable}` in the string fields (name, url, auth username, rotation trigger). A variable that
 * is not defined is an error naming the path, never an empty string in a URL.
 */
export function renderDeclaration(
  parsed: ParsedDeclaration,
  lookup: (variable: string) => string | undefined,
): DeclaredWebhook[] {
  const problems: string[] = [];
  const render = (value: string, path: PropertyKey[]): string =>
    value.replace(TEMPLATE, (match, variable: string) => {
      const resolved = lookup(variable) ?? parsed.declaration.variables?.[variable];
      if (resolved === undefined) {
        problems.push(
          `${parsed.locate(path)}: template variable \${${variable}} is not defined (set it in variables:, in stack config, or in the options)`,
        );
        return match;
      }
      return resolved;
    });
  const rendered = parsed.declaration.webhooks.map((webhook, index) => ({
    ...webhook,
    ...(typeof webhook.secret === "object" &&
    "rotationTrigger" in webhook.secret &&
    typeof webhook.secret.rotationTrigger === "string"
      ? {
          secret: {
            ...webhook.secret,
            rotationTrigger: render(webhook.secret.rotationTrigger, [
              "webhooks",
              index,
              "secret",
              "rotationTrigger",
            ]),
          },
        }
      : {}),
    name: render(webhook.name, ["webhooks", index, "name"]),
    url: render(webhook.url, ["webhooks", index, "url"]),
    ...(webhook.auth
      ? {
          auth: {
            ...webhook.auth,
            username: render(webhook.auth.username, ["webhooks", index, "auth", "username"]),
          },
        }
      : {}),
  }));
  if (problems.length > 0) throw new DeclarationError(parsed.source, problems);
  return rendered;
}

/**
 * Validates each rendered webhook against the resource's own rules (URL, events, lengths), so
 * a bad file fails before Pulumi starts and the message names the file path and line.
 */
export function validateRendered(parsed: ParsedDeclaration, webhooks: DeclaredWebhook[]): void {
  const problems: string[] = [];
  const eventValidation = parsed.declaration.defaults?.eventValidation ?? "1.9.6";
  webhooks.forEach((webhook, index) => {
    const result = webhookArgsSchema.safeParse({
      name: webhook.name,
      url: webhook.url,
      events: webhook.events,
      webhookId: webhook.id,
      eventValidation,
      ...(webhook.auth ? { authUsername: webhook.auth.username, authPassword: "placeholder" } : {}),
    });
    if (result.success) return;
    for (const issue of result.error.issues) {
      const [field, ...rest] = issue.path;
      const fileField = field === "webhookId" ? "id" : field === "authUsername" ? "auth" : field;
      problems.push(
        `${parsed.locate(["webhooks", index, ...(fileField === undefined ? [] : [fileField]), ...rest])}: ${issue.message}`,
      );
    }
  });
  if (problems.length > 0) throw new DeclarationError(parsed.source, problems);
}
