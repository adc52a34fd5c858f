/**
 * Shared by the SDK tests: the pinned pulumi-sdkgen and pulumi-sdkgen-dotnet
 * (scripts/setup-pulumi-sdkgen.sh builds and caches them) and the SDKs they write under
 * sdk/<language>.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "./engine";

export const run = promisify(execFile);

export const COMMITTED_SCHEMA = join(REPO_ROOT, "provider", "plugin", "appwrite-webhooks.pulumi.json");
export const SDK_ROOT = join(REPO_ROOT, "sdk");
/** The logo the .NET generator packs into the NuGet package (the schema's logoUrl names it). */
export const PACKAGE_LOGO = join(REPO_ROOT, "provider", "plugin", "logo.png");
/** python and go from tools/pulumi-sdkgen, dotnet from tools/pulumi-sdkgen-dotnet. */
export const SDK_LANGUAGES = ["python", "go", "dotnet"] as const;

/** A cold build compiles pkg/v3's code generators (about a minute each once the engine is built). */
export const SDKGEN_BUILD_TIMEOUT_MS = 10 * 60_000;

export interface SdkgenTools {
  /** Writes <out>/python and <out>/go: `pulumi-sdkgen <schema> <out>`. */
  sdkgen: string;
  /** Writes <out>/dotnet: `pulumi-sdkgen-dotnet <schema> <logo> <out>`. */
  sdkgenDotnet: string;
}

/** Builds the tools whose stamps are stale and returns the paths of the executables. */
export async function provisionSdkgen(): Promise<SdkgenTools> {
  const { stdout } = await run("bash", [join(REPO_ROOT, "scripts", "setup-pulumi-sdkgen.sh")], {
    cwd: REPO_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const binDir = stdout.trim().split("\n").at(-1) ?? "";
  return { sdkgen: join(binDir, "pulumi-sdkgen"), sdkgenDotnet: join(binDir, "pulumi-sdkgen-dotnet") };
}

/** Every file under dir, as sorted slash paths relative to it. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split("\\").join("/"))
    .sort();
}

/** The version a go.mod pins for a module (a single-line or block `require`). */
export function pinnedGoVersion(goModPath: string, module: string): string | undefined {
  const pattern = new RegExp(
    `^\\s*(?:require\\s+)?${module.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s+(v\\S+)`,
    "m",
  );
  return pattern.exec(readFileSync(goModPath, "utf8"))?.[1];
}

export interface PackageSchemaFacts {
  name: string;
  version: string;
  repository?: string;
  publisher?: string;
  logoUrl?: string;
  pluginDownloadURL?: string;
  language?: {
    python?: { packageName?: string };
    go?: { importBasePath?: string };
    csharp?: { rootNamespace?: string; namespaces?: Record<string, string> };
  };
}

export function committedSchema(): PackageSchemaFacts {
  return JSON.parse(readFileSync(COMMITTED_SCHEMA, "utf8")) as PackageSchemaFacts;
}
