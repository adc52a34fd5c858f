/**
 * The declaration-file commands of `pulumi-appwrite-webhooks` (dispatched by cli/index.ts):
 *   export --endpoint <url> --project <id> [--out webhooks.yaml]   the live project as a declaration file
 *     [--format appwrite-cli --out appwrite.config.json]           … or as the Appwrite CLI's webhooks array
 *   schema [--out webhooks.schema.json]                            the JSON Schema of the file
 *   validate <file>                                                check a declaration file
 * The API key is read from APPWRITE_API_KEY (never a flag: flags end up in shell history and CI logs).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { AppwriteClient } from "../appwrite/client";
import { MissingConnectionSettingError, resolveConnection, type Connection } from "../appwrite/config";
import { endpointSchema } from "../lifecycle/schema";
import { checkDeclaration, declarationJsonSchemaText, readDeclarationFile } from "./declaration";
import { exportProject } from "./export";
import { AppwriteCliFileError, exportAppwriteCli } from "./appwrite-cli-export";

/** Each command's usage line: printed by `<command> --help`, and all of them after a mistake. */
const COMMAND_USAGE: Record<string, string> = {
  export: `pulumi-appwrite-webhooks export --endpoint <https://…/v1> --project <id> [--out webhooks.yaml]
      [--format yaml|appwrite-cli]  (appwrite-cli: the webhooks array of appwrite.config.json; an existing
      --out file keeps everything else)
      (API key from APPWRITE_API_KEY; endpoint and project also from APPWRITE_ENDPOINT, APPWRITE_PROJECT_ID)`,
  schema: "pulumi-appwrite-webhooks schema [--out <file>]",
  validate: "pulumi-appwrite-webhooks validate <file> [--var name=value …]",
};
const USAGE = `usage:\n${Object.values(COMMAND_USAGE)
  .map((line) => `  ${line}`)
  .join("\n")}`;

/** `--var name=value` pairs; the value is everything after the first `=`, so it may hold more. */
function templateVariables(pairs: readonly string[]): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const pair of pairs) {
    const separator = pair.indexOf("=");
    if (separator <= 0) throw new Error(`--var ${pair}: expected name=value, for example --var env=prod`);
    variables[pair.slice(0, separator)] = pair.slice(separator + 1);
  }
  return variables;
}

function write(out: string | undefined, text: string): void {
  if (!out) {
    process.stdout.write(text);
    return;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
}

/** Where the CLI reads each setting: a flag or the environment, never Pulumi config. */
const CLI_SOURCES = {
  endpoint: "--endpoint or APPWRITE_ENDPOINT",
  projectId: "--project or APPWRITE_PROJECT_ID",
  apiKey:
    "the APPWRITE_API_KEY environment variable (a key with the webhooks.read scope; never a flag, since flags end up in shell history)",
} as const;

/** The connection for export, with errors that name only the places the CLI reads. */
function exportConnection(endpoint: string | undefined, projectId: string | undefined): Connection {
  let connection: Connection;
  try {
    connection = resolveConnection({ endpoint, projectId });
  } catch (error) {
    if (!(error instanceof MissingConnectionSettingError)) throw error;
    throw new Error(`export needs the Appwrite ${error.setting}: set ${CLI_SOURCES[error.setting]}.`);
  }
  // Checked before any request: without /v1 the server answers 404 to every call, which reads
  // as a server without the webhooks API.
  const endpointCheck = endpointSchema.safeParse(connection.endpoint);
  if (!endpointCheck.success) {
    throw new Error(
      `export: ${endpointCheck.error.issues.map((issue) => issue.message).join("; ")} (${CLI_SOURCES.endpoint})`,
    );
  }
  return connection;
}

/**
 * The Appwrite CLI's file: into an existing --out file, only its webhooks change. Basic auth has
 * no place in that file, so the webhooks that have it are named on stderr.
 */
async function exportToAppwriteCli(connection: Connection, out: string | undefined): Promise<number> {
  const existing = out !== undefined && existsSync(out) ? readFileSync(out, "utf8") : undefined;
  let result;
  try {
    result = await exportAppwriteCli(new AppwriteClient(connection), connection.endpoint, existing);
  } catch (error) {
    if (!(error instanceof AppwriteCliFileError)) throw error;
    throw new Error(`export --out ${out}: ${error.message}`, { cause: error });
  }
  write(out, result.text);
  process.stderr.write(
    `exported ${result.count} webhooks of project ${connection.projectId} as the Appwrite CLI's webhooks array` +
      (out ? ` to ${out}` : "") +
      "\n",
  );
  if (result.withAuth.length > 0) {
    process.stderr.write(
      `basic auth left out (the Appwrite CLI's file has no field for it, and \`appwrite push webhooks\` clears it): ${result.withAuth.join(", ")}\n`,
    );
  }
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      endpoint: { type: "string" },
      project: { type: "string" },
      out: { type: "string" },
      format: { type: "string" },
      var: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help && command !== undefined && command in COMMAND_USAGE) {
    process.stdout.write(`usage: ${COMMAND_USAGE[command]}\n`);
    return 0;
  }
  switch (command) {
    case "export": {
      const format = values.format ?? "yaml";
      if (format !== "yaml" && format !== "appwrite-cli") {
        throw new Error(`export --format ${format}: expected yaml (the default) or appwrite-cli`);
      }
      const connection = exportConnection(values.endpoint, values.project);
      if (format === "appwrite-cli") return exportToAppwriteCli(connection, values.out);
      const result = await exportProject(new AppwriteClient(connection), connection.endpoint);
      write(values.out, result.yaml);
      process.stderr.write(
        `exported ${result.declaration.webhooks.length} webhooks of project ${connection.projectId}` +
          (values.out ? ` to ${values.out}` : "") +
          "\n",
      );
      return 0;
    }
    case "schema":
      write(values.out, declarationJsonSchemaText());
      return 0;
    case "validate": {
      const file = positionals[0];
      if (!file) break;
      const variables = templateVariables(values.var ?? []);
      // Every problem of the file in one pass: syntax, schema, variables and the resource's rules.
      const parsed = checkDeclaration(readDeclarationFile(file), file, (name) => variables[name]);
      const format = parsed.format === "appwrite-cli" ? " (the Appwrite CLI's webhooks array)" : "";
      process.stderr.write(`${file}: ${parsed.declaration.webhooks.length} webhooks${format}, valid\n`);
      return 0;
    }
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}
