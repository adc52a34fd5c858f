/**
 * The Pulumi package schema of `appwrite-webhooks`, derived from the one zod schema (inputs) and
 * the computed-output schema, never written by hand: `npm run build` writes it to
 * dist/schema/appwrite-webhooks.pulumi.json, the plugin serves that file from GetSchema, and the
 * repository commits it as ./appwrite-webhooks.pulumi.json (see ../schema-files).
 */
import type { SETTING_KEYS } from "../appwrite/config";
import { webhookArgsSchema, webhookComputedSchema } from "../lifecycle/schema";
import { IDENTITY_FIELDS } from "../lifecycle/state";
import { PACKAGE_VERSION } from "../appwrite/version";
import { properties, type PropertySpec } from "./schema-properties";
import { setResourceSchema, setTypes } from "./set-schema";
import { PACKAGE_NAME, WEBHOOK_TOKEN } from "./type-tokens";

export { PACKAGE_NAME, WEBHOOK_TOKEN };

const SETTING_TYPES: Record<(typeof SETTING_KEYS)[number], PropertySpec> = {
  endpoint: {
    type: "string",
    description: "Appwrite endpoint such as https://cloud.appwrite.io/v1; default APPWRITE_ENDPOINT.",
  },
  projectId: { type: "string", description: "Appwrite project ID; default APPWRITE_PROJECT_ID." },
  apiKey: {
    type: "string",
    secret: true,
    description: "API key with the webhooks.read and webhooks.write scopes; default APPWRITE_API_KEY.",
  },
  selfSigned: {
    type: "boolean",
    description: "Accept self-signed TLS certificates; default APPWRITE_SELF_SIGNED.",
  },
  httpTimeoutSeconds: {
    type: "integer",
    description: "Per-request timeout in seconds (default 30); default APPWRITE_HTTP_TIMEOUT_SECONDS.",
  },
};

const REPOSITORY_URL = "https://github.com/pulumi-appwrite-webhooks/pulumi-appwrite-webhooks";
/** The repository's files on its default branch, as GitHub serves them raw. */
const RAW_FILES_URL =
  "https://raw.githubusercontent.com/pulumi-appwrite-webhooks/pulumi-appwrite-webhooks/main";

/**
 * The names each ecosystem publishes the SDKs under, read by Pulumi's code generators
 * (tools/pulumi-sdkgen and tools/pulumi-sdkgen-dotnet write sdk/<language>). `respectSchemaVersion`
 * stamps the package version into the SDKs instead of a placeholder.
 */
const LANGUAGE_SECTIONS = {
  // npm: this package itself. Its `plugin` entry names the plugin door's classes as the schema
  // does, so the TypeScript printed by `pulumi import` uses the plugin, not the dynamic door.
  nodejs: { packageName: "pulumi-appwrite-webhooks/plugin" },
  // PyPI: pulumi-appwrite-webhooks (import pulumi_appwrite_webhooks).
  python: {
    packageName: "pulumi_appwrite_webhooks",
    pyproject: { enabled: true },
    respectSchemaVersion: true,
  },
  // Go module github.com/pulumi-appwrite-webhooks/pulumi-appwrite-webhooks/sdk/go, committed in
  // this repository under sdk/go.
  go: {
    importBasePath: "github.com/pulumi-appwrite-webhooks/pulumi-appwrite-webhooks/sdk/go/appwritewebhooks",
    generateResourceContainerTypes: true,
    respectSchemaVersion: true,
  },
  // NuGet: PulumiAppwrite.Webhooks, also the C# namespace (`using PulumiAppwrite.Webhooks;`). The
  // generator names the package <rootNamespace>.<namespace of the package name>; its default root,
  // `Pulumi`, is a prefix Pulumi reserved on nuget.org, and `PulumiAppwriteWebhooks.AppwriteWebhooks`
  // would say the name twice. These are the words of the npm and PyPI name, pulumi-appwrite-webhooks.
  csharp: {
    rootNamespace: "PulumiAppwrite",
    namespaces: { [PACKAGE_NAME]: "Webhooks" },
    packageReferences: { Pulumi: "3.*" },
    respectSchemaVersion: true,
  },
};

export function buildPackageSchema(): Record<string, unknown> {
  const inputs = properties(webhookArgsSchema, "input");
  const declared = properties(webhookArgsSchema, "output");
  const computed = properties(webhookComputedSchema, "output");
  const outputs = { ...declared.specs, ...computed.specs };
  // The ID and the target are optional inputs, but `check` always resolves them into state.
  const required = [...new Set([...declared.required, ...IDENTITY_FIELDS, ...computed.required])];
  return {
    name: PACKAGE_NAME,
    displayName: "Appwrite webhooks",
    version: PACKAGE_VERSION,
    description:
      "Appwrite 1.9.6+ webhooks with secret signing keys, rotation and event validation (the resource provider plugin of pulumi-appwrite-webhooks).",
    keywords: ["pulumi", "appwrite", "webhooks", "category/infrastructure", "kind/native"],
    license: "Apache-2.0",
    repository: REPOSITORY_URL,
    homepage: REPOSITORY_URL,
    // Without a publisher the .NET generator names "Pulumi Corp." as the NuGet package's author.
    publisher: "pulumi-appwrite-webhooks",
    // The .NET generator downloads the logo into the NuGet package; tools/pulumi-sdkgen-dotnet
    // serves this URL from the committed file it names (provider/plugin/logo.png).
    logoUrl: `${RAW_FILES_URL}/provider/plugin/logo.png`,
    // Where `pulumi plugin install` and the SDKs fetch the plugin: the repository's GitHub
    // releases (github://api.github.com/<owner> implies the repository pulumi-<package name>).
    pluginDownloadURL: "github://api.github.com/pulumi-appwrite-webhooks",
    // The Python and Go generators write a package manifest (pyproject.toml, go.mod) only for a
    // package that supports packing.
    meta: { supportPack: true },
    language: LANGUAGE_SECTIONS,
    config: { variables: SETTING_TYPES },
    provider: {
      description: "The appwrite-webhooks provider: one Appwrite endpoint and project.",
      inputProperties: SETTING_TYPES,
    },
    types: setTypes(outputs),
    resources: {
      [WEBHOOK_TOKEN]: {
        description:
          "An Appwrite webhook. Its signing key is a secret output; `rotationTrigger` or `secret` changes it in place.",
        inputProperties: inputs.specs,
        requiredInputs: inputs.required,
        properties: outputs,
        required,
      },
      ...setResourceSchema(outputs),
    },
  };
}

/** The package schema as the build writes it (../schema-files). */
export function packageSchemaText(): string {
  return `${JSON.stringify(buildPackageSchema(), null, 2)}\n`;
}
