/**
 * The declaration-file commands of `pulumi-appwrite-webhooks` (dispatched by cli/index.ts):
 *   export --endpoint <url> --project <id> [--out webhooks.yaml]   the live project as a declaration file
 *   schema [--out webhooks.schema.json]                            the JSON Schema of the file
 *   validate <file>                                                check a declaration file
 * The API key is read from APPWRITE_API_KEY (never a flag: flags end up in shell history and CI logs).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { AppwriteClient } from "../client";
import { resolveConnection } from "../config";
import { declarationJsonSchema, loadDeclaration, renderDeclaration, validateRendered } from "./declaration";
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
      const connection = resolveConnection({ endpoint: values.endpoint, projectId: values.project });
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
      const parsed = loadDeclaration(file);
      validateRendered(
        parsed,
        renderDeclaration(parsed, (name) => variables[name]),
      );
      process.stderr.write(`${file}: ${parsed.declaration.webhooks.length} webhooks, valid\n`);
      return 0;
    }
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}
