/**
 * The two schemas generated from the code, as files. The repository commits them, so that a
 * change to the public API shows in review, as pulumi-command and pulumi-awsx commit theirs; the
 * package ships them in dist/schema, where the plugin serves the package schema from GetSchema
 * and editors find the declaration file's JSON Schema:
 * - appwrite-webhooks.pulumi.json, the Pulumi package schema (./plugin/package-schema), committed
 *   beside its generator, where SDK generation reads it;
 * - webhooks.schema.json, the declaration file's JSON Schema (./gitops/declaration-schema),
 *   committed beside the file's schema, the same text `pulumi-appwrite-webhooks schema` prints.
 *
 *   node dist/provider/schema-files.js <dir>         writes both into <dir> (`npm run build`: dist/schema)
 *   node dist/provider/schema-files.js --committed   refreshes the committed copies (`npm run schemas`)
 *
 * test/provider/committed-schemas.test.ts fails when a committed copy differs by a byte from what
 * the build writes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { declarationJsonSchemaText } from "./gitops/declaration-schema";
import { packageSchemaText } from "./plugin/package-schema";
import { PACKAGE_NAME } from "./plugin/type-tokens";

export interface SchemaFile {
  /** The file's name, in dist/schema and in the repository. */
  name: string;
  /** Where the repository commits it, from the repository's root. */
  committedIn: string;
  text: () => string;
}

export const SCHEMA_FILES: readonly SchemaFile[] = [
  { name: `${PACKAGE_NAME}.pulumi.json`, committedIn: "provider/plugin", text: packageSchemaText },
  { name: "webhooks.schema.json", committedIn: "provider/gitops", text: declarationJsonSchemaText },
];

/** Writes each schema into the directory `target`, or, when it is `--committed`, to its committed place under `root`. */
function writeSchemaFiles(target: string, root: string): void {
  for (const file of SCHEMA_FILES) {
    const directory = target === "--committed" ? join(root, file.committedIn) : target;
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, file.name), file.text());
  }
}

if (require.main === module) {
  const target = process.argv[2];
  if (!target) {
    process.stderr.write("usage: node schema-files.js <dir> | --committed\n");
    process.exit(2);
  }
  // dist/provider/schema-files.js: the repository's root is two levels up.
  writeSchemaFiles(target, join(__dirname, "..", ".."));
}
