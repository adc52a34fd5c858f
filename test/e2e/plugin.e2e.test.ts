/**
 * The plugin executable as the Pulumi CLI sees it, without a program: `pulumi package
 * get-schema` starts it, calls GetSchema and prints the package schema it serves: the one the
 * repository commits.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { INPUT_KEYS } from "../../provider/lifecycle/state";
import { REPO_ROOT, engineEnv, pluginBinDir, PLUGIN_NAME, provisionEngine } from "../support/engine";

let bin: string;
beforeAll(async () => {
  bin = await provisionEngine();
});

interface Spec {
  type?: string;
  secret?: boolean;
}
interface PackageSchema {
  name: string;
  version: string;
  config: { variables: Record<string, Spec> };
  provider: { inputProperties: Record<string, Spec> };
  resources: Record<
    string,
    { inputProperties: Record<string, Spec>; requiredInputs: string[]; properties: Record<string, Spec> }
  >;
}

describe("pulumi-resource-appwrite-webhooks", () => {
  it("pulumi package get-schema prints the committed package schema, secrets marked secret", async () => {
    const env = engineEnv(bin, join(pluginBinDir(), "..", "get-schema-home"));
    const { stdout } = await promisify(execFile)(
      join(bin, "pulumi"),
      ["package", "get-schema", join(pluginBinDir(), PLUGIN_NAME)],
      { env: { ...process.env, ...env } },
    );
    const schema = JSON.parse(stdout) as PackageSchema;
    // What the plugin serves is the schema the repository commits (and SDKs are generated from),
    // compared before the checks below sort its lists in place.
    const committed = readFileSync(
      join(REPO_ROOT, "provider", "plugin", "appwrite-webhooks.pulumi.json"),
      "utf8",
    );
    expect(schema).toEqual(JSON.parse(committed));
    expect(schema.name).toBe("appwrite-webhooks");
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    expect(schema.version).toBe(manifest.version);
    const webhook = schema.resources["appwrite-webhooks:index:Webhook"];
    expect(webhook).toBeDefined();
    // The same inputs as the dynamic Webhook, and its outputs beside them.
    expect(Object.keys(webhook?.inputProperties ?? {}).sort()).toEqual([...INPUT_KEYS].sort());
    expect(webhook?.requiredInputs.sort()).toEqual(["events", "name", "url"]);
    for (const output of [
      "secretSource",
      "previousSecret",
      "secretRotatedAt",
      "createdAt",
      "attempts",
      "logs",
    ]) {
      expect(webhook?.properties[output], output).toBeDefined();
    }
    const secrets = Object.entries(webhook?.properties ?? {})
      .filter(([, spec]) => spec.secret)
      .map(([name]) => name)
      .sort();
    expect(secrets).toEqual(["apiKey", "authPassword", "previousSecret", "secret"]);
    expect(webhook?.inputProperties.events).toEqual({ type: "array", items: { type: "string" } });
    expect(Object.keys(schema.config.variables).sort()).toEqual([
      "apiKey",
      "endpoint",
      "httpTimeoutSeconds",
      "projectId",
      "selfSigned",
    ]);
    expect(schema.config.variables.apiKey?.secret).toBe(true);
    expect(schema.provider.inputProperties.apiKey?.secret).toBe(true);
  });
});
