/**
 * Shared by the SDK tests: the pinned pulumi-sdkgen (scripts/setup-pulumi-sdkgen.sh builds and
 * caches it) and the SDKs it writes under sdk/<language>.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "./engine";

export const run = promisify(execFile);

export const COMMITTED_SCHEMA = join(REPO_ROOT, "provider", "plugin", "appwrite-webhooks.pulumi.json");
export const SDK_ROOT = join(REPO_ROOT, "sdk");
/** The languages tools/pulumi-sdkgen writes (.NET's generator is not served by the Go module proxy). */
export const SDK_LANGUAGES = ["python", "go"] as const;

/** A cold build compiles pkg/v3's code generators (about a minute once the engine is built). */
export const SDKGEN_BUILD_TIMEOUT_MS = 10 * 60_000;

/** Builds pulumi-sdkgen if its stamp is stale and returns the path of the executable. */
export async function provisionSdkgen(): Promise<string> {
  const { stdout } = await run("bash", [join(REPO_ROOT, "scripts", "setup-pulumi-sdkgen.sh")], {
    cwd: REPO_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const binDir = stdout.trim().split("\n").at(-1) ?? "";
  return join(binDir, "pulumi-sdkgen");
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
  pluginDownloadURL?: string;
  language?: {
    python?: { packageName?: string };
    go?: { importBasePath?: string };
    csharp?: { rootNamespace?: string };
  };
}

export function committedSchema(): PackageSchemaFacts {
  return JSON.parse(readFileSync(COMMITTED_SCHEMA, "utf8")) as PackageSchemaFacts;
}
