/**
 * What a source file imports, read by TypeScript's own pre-processor rather than a regular
 * expression: static `import … from`, `import type`, `export … from`, `import x = require()`,
 * `import()` and `require()` calls, JSON modules included; strings and comments that merely
 * contain such text are not imports.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

const SOURCE_EXTENSIONS = [".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs"];
const SKIPPED_FOLDERS = new Set(["node_modules", "dist"]);

/** Every module specifier `source` imports, in order of appearance. */
export function importSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
}

/** Source files under `dir`, without installed or built folders. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : sourceFiles(join(dir, entry.name));
    return SOURCE_EXTENSIONS.some((extension) => entry.name.endsWith(extension))
      ? [join(dir, entry.name)]
      : [];
  });
}
