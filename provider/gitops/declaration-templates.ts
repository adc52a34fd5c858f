/**
 * Template variables in a declaration file: `${variable}` in the name, URL, auth username and
 * rotation trigger, resolved from the options, stack config or the file's `variables:`. A
 * variable that is not defined is an error naming its path, never an empty string in a URL.
 */
import { DeclarationError, type Locate, type ParsedDeclaration } from "./declaration-document";
import type { DeclaredWebhook } from "./declaration-schema";

const TEMPLATE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export interface RenderContext {
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
    lookup: parsed.format === "appwrite-cli" ? keepLiteral : lookup,
    problems: [],
  };
  const rendered = parsed.declaration.webhooks.map((webhook, index) =>
    renderWebhook(webhook, index, context),
  );
  if (context.problems.length > 0) throw new DeclarationError(parsed.source, context.problems);
  return rendered;
}

/**
 * The lookup of a file without templates (the Appwrite CLI's): each `${variable}` stands for
 * itself, as `appwrite push` sends it.
 */
export const keepLiteral = (variable: string): string => `\${${variable}}`;

export function renderWebhook<T extends Partial<DeclaredWebhook>>(
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
