/**
 * The declaration file as a YAML document: refused by size before it is parsed, syntax errors
 * reported by line, and a locator that names where a value sits (`webhooks[2].url (line 14)`),
 * because the reader of every message is a reviewer in a PR.
 */
import { readFileSync, statSync } from "node:fs";
import { LineCounter, isNode, parseDocument } from "yaml";
import type { Declaration } from "./declaration-schema";

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
export type Locate = (path: readonly PropertyKey[]) => string;

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`))
    .join("");
}

export interface ParsedDeclaration {
  declaration: Declaration;
  locate: Locate;
  source: string;
  /** The Appwrite CLI's file (./appwrite-cli-file): its strings are literal, with no `${variable}`. */
  format?: "appwrite-cli";
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
export function readDocument(text: string, source: string): { content: unknown; locate: Locate } {
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

/** A file the YAML parser gave up on: still a DeclarationError, so callers handle one error type. */
function unreadable(source: string, error: unknown): DeclarationError {
  return new DeclarationError(source, [`(file): ${error instanceof Error ? error.message : String(error)}`]);
}

/** A declaration file's text, refused by its size before it is read. */
export function readDeclarationFile(file: string): string {
  const { size } = statSync(file);
  if (size > MAX_DECLARATION_BYTES) throw tooLarge(file, size);
  return readFileSync(file, "utf8");
}
