/**
 * Where the provider finds its Appwrite connection. Precedence, highest first:
 *   1. the resource's own inputs (`endpoint`, `projectId`, `apiKey`), for cloning across projects;
 *   2. provider configuration: stack config `appwrite:*` for the dynamic `Webhook`,
 *      `appwrite-webhooks:*` (or an explicit provider resource) for the plugin; each door reads
 *      its own namespace and hands the lifecycle's `configure` the same plain settings;
 *   3. the environment, `APPWRITE_*`, the same variables Appwrite's Terraform provider reads,
 *      so one CI secret set serves both tools.
 * Values are read inside the provider process at run time and never captured into
 * `__provider`, so no credential is serialized into state.
 */

/** The provider settings, as plain strings, whichever door and namespace they came from. */
export interface StackConfig {
  endpoint?: string;
  projectId?: string;
  apiKey?: string;
  selfSigned?: string;
  httpTimeoutSeconds?: string;
}

export interface ConnectionOverrides {
  endpoint?: string | undefined;
  projectId?: string | undefined;
  apiKey?: string | undefined;
}

export interface Connection {
  endpoint: string;
  projectId: string;
  apiKey: string;
  /** Accept self-signed TLS certificates (self-hosted Appwrite on a private CA). */
  selfSigned: boolean;
  /** Per-request timeout. */
  timeoutMs: number;
}

/** Appwrite's SDK default is 10 s; a busy self-hosted server under a parallel `pulumi up` needs more. */
export const DEFAULT_HTTP_TIMEOUT_SECONDS = 30;

export const SETTING_KEYS = ["endpoint", "projectId", "apiKey", "selfSigned", "httpTimeoutSeconds"] as const;

/** The config namespace of the dynamic `Webhook` (`appwrite:*`). */
export const DYNAMIC_CONFIG_NAMESPACE = "appwrite";

const SETTINGS = {
  endpoint: { env: "APPWRITE_ENDPOINT", input: "endpoint" },
  projectId: { env: "APPWRITE_PROJECT_ID", input: "projectId" },
  apiKey: { env: "APPWRITE_API_KEY", input: "apiKey" },
} as const;

type Setting = keyof typeof SETTINGS;

let stackConfig: StackConfig = {};
/** The namespace the settings came from, so a message names the config key the user must set. */
let configNamespace: string = DYNAMIC_CONFIG_NAMESPACE;

/**
 * Reads the settings of one config namespace through a door's own lookup (`<namespace>:<key>`).
 * Non-string values (a typed provider input such as `selfSigned: true`) become strings.
 */
export function settingsFrom(namespace: string, lookup: (key: string) => unknown): StackConfig {
  const settings: StackConfig = {};
  for (const key of SETTING_KEYS) {
    const value = lookup(`${namespace}:${key}`);
    if (value !== undefined && value !== null) settings[key] = String(value);
  }
  return settings;
}

/** Called once per provider process from `configure` with the provider's settings. */
export function setStackConfig(config: StackConfig, namespace: string = DYNAMIC_CONFIG_NAMESPACE): void {
  stackConfig = { ...config };
  configNamespace = namespace;
}

/** The namespace of the settings in force, for messages that name a config key. */
export function getConfigNamespace(): string {
  return configNamespace;
}

export function getStackConfig(): Readonly<StackConfig> {
  return stackConfig;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** One setting by precedence; undefined when none of the three places has it. */
export function resolveSetting(
  setting: Setting,
  overrides: ConnectionOverrides,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const names = SETTINGS[setting];
  return nonEmpty(overrides[setting]) ?? nonEmpty(stackConfig[setting]) ?? nonEmpty(env[names.env]);
}

/** The message for a setting found nowhere: it names all three places, so the fix is one read away. */
export function missingSettingMessage(setting: Setting): string {
  const names = SETTINGS[setting];
  const secretFlag = setting === "apiKey" ? " --secret" : "";
  return (
    `Appwrite ${setting} is not set. Set it in one of three places: the Webhook's \`${names.input}\` input, ` +
    `stack config (\`pulumi config set${secretFlag} ${configNamespace}:${setting} <value>\`), or the ${names.env} environment variable.`
  );
}

export class MissingConnectionSettingError extends Error {
  constructor(readonly setting: Setting) {
    super(missingSettingMessage(setting));
    this.name = "MissingConnectionSettingError";
  }
}

function truthyFlag(value: string | undefined): boolean {
  return value !== undefined && ["1", "true", "yes"].includes(value.trim().toLowerCase());
}

/** Endpoints are stored without a trailing slash so that `…/v1` and `…/v1/` are one endpoint. */
export function normalizeEndpoint(endpoint: string): string {
  return endpoint.replace(/\/+$/, "");
}

export function resolveConnection(
  overrides: ConnectionOverrides,
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  const endpoint = resolveSetting("endpoint", overrides, env);
  const projectId = resolveSetting("projectId", overrides, env);
  const apiKey = resolveSetting("apiKey", overrides, env);
  if (!endpoint) throw new MissingConnectionSettingError("endpoint");
  if (!projectId) throw new MissingConnectionSettingError("projectId");
  if (!apiKey) throw new MissingConnectionSettingError("apiKey");
  const timeoutSeconds = Number(stackConfig.httpTimeoutSeconds ?? env.APPWRITE_HTTP_TIMEOUT_SECONDS);
  return {
    endpoint: normalizeEndpoint(endpoint),
    projectId,
    apiKey,
    selfSigned: truthyFlag(stackConfig.selfSigned ?? env.APPWRITE_SELF_SIGNED),
    timeoutMs:
      (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0
        ? timeoutSeconds
        : DEFAULT_HTTP_TIMEOUT_SECONDS) * 1000,
  };
}
