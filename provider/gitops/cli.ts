/**
 * The declaration-file commands of `pulumi-appwrite-webhooks` (dispatched by cli/index.ts):
 *   export --endpoint <url> --project <id> [--out webhooks.yaml]   the live project as a declaration file
 *   schema [--out webhooks.schema.json]                            the JSON Schema of the file
 *   validate <file>                                                check a declaration file
 * The API key is read from APPWRITE_API_KEY (never a flag: flags end up in shell history and CI logs).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { AppwriteClient } from "../client";
import { MissingConnectionSettingError, resolveConnection, type Connection } from "../config";
import { endpointSchema } from "../schema";
import { checkDeclaration, declarationJsonSchema } from "./declaration";
import { exportProject } from "./export";

const USAGE = `usage:
  pulumi-appwrite-webhooks export --endpoint <https://…/v1> --project <id> [--out webhooks.yaml]
      (API key from APPWRITE_API_KEY; endpoint and project also from APPWRITE_ENDPOINT, APPWRITE_PROJECT_ID)
  pulumi-appwrite-webhooks schema [--out <file>]
  pulumi-appwrite-webhooks validate <file> [--var name=value …]`;

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

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      endpoint: { type: "string" },
      project: { type: "string" },
      out: { type: "string" },
      var: { type: "string", multiple: true },
    },
  });
  switch (command) {
    case "export": {
      const connection = exportConnection(values.endpoint, values.project);
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
      write(values.out, `${JSON.stringify(declarationJsonSchema(), null, 2)}\n`);
      return 0;
    case "validate": {
      const file = positionals[0];
      if (!file) break;
      const variables = Object.fromEntries(
        (values.var ?? []).map((pair) => pair.split("=", 2) as [string, string]),
      );
      // Every problem of the file in one pass: syntax, schema, variables and the resource's rules.
      const parsed = checkDeclaration(readFileSync(file, "utf8"), file, (name) => variables[name]);
      process.stderr.write(`${file}: ${parsed.declaration.webhooks.length} webhooks, valid\n`);
      return 0;
    }
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}
