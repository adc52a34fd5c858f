/**
 * The two doors the benchmark measures, each beside its floor, and the two checkpoint modes.
 *
 * - dynamic: our `Webhook` (a Pulumi dynamic resource) beside a no-op dynamic resource;
 * - native: our `NativeWebhook` through the provider plugin `pulumi-resource-appwrite-webhooks`
 *   (the package's bin) beside a no-op provider plugin (./plugins/pulumi-resource-benchnoop).
 *
 * The engine finds a provider plugin on PATH, so the native programs' stacks get a PATH that
 * starts with a folder holding both executables. A door that cannot run fails the bench with the
 * reason and the flag that leaves it out (BENCH_DOORS), never silently.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO_ROOT, WORK_ROOT, engineEnv } from "../support/engine";

export const DOORS = ["dynamic", "native"] as const;
export type Door = (typeof DOORS)[number];
export const MODES = ["checkpoints", "skip"] as const;
/** checkpoints: the engine's default, a checkpoint after every step; skip: PULUMI_SKIP_CHECKPOINTS=true. */
export type Mode = (typeof MODES)[number];
export type Side = "ours" | "floor";

export type Program = "webhooks" | "noop" | "native" | "native-noop" | "one-fetch";

/** The request floor's program (./request-floor): one bare API call per create and delete. */
export const REQUEST_FLOOR_PROGRAM: Program = "one-fetch";

export const PROGRAMS: Record<Door, Record<Side, Program>> = {
  dynamic: { ours: "webhooks", floor: "noop" },
  native: { ours: "native", floor: "native-noop" },
};

/** The resource type each program declares N of (the stack resource aside). */
export const RESOURCE_TYPE: Record<Program, string> = {
  webhooks: "pulumi-nodejs:dynamic/appwrite:Webhook",
  noop: "pulumi-nodejs:dynamic/bench:Noop",
  native: "appwrite-webhooks:index:Webhook",
  "native-noop": "benchnoop:index:Noop",
  "one-fetch": "pulumi-nodejs:dynamic/bench:OneFetch",
};

export const NATIVE_PLUGIN = "pulumi-resource-appwrite-webhooks";
const NOOP_PLUGIN = join(REPO_ROOT, "test", "bench", "plugins", "pulumi-resource-benchnoop");

export const modeEnv = (mode: Mode): Record<string, string> =>
  mode === "skip" ? { PULUMI_SKIP_CHECKPOINTS: "true" } : {};

/**
 * A folder for PATH with both plugin executables, linked from where the package declares them.
 * The bench programs resolve the package by self-reference, so npm never linked its own bin.
 */
export function nativePluginDir(packageRoot = REPO_ROOT): string {
  const manifest = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as {
    bin?: Record<string, string>;
  };
  const declared = manifest.bin?.[NATIVE_PLUGIN];
  const target = declared ? resolve(packageRoot, declared) : undefined;
  if (!target || !existsSync(target)) {
    throw new Error(
      `bench: the native door needs the provider plugin \`${NATIVE_PLUGIN}\`, ` +
        (declared
          ? `which package.json's bin points at ${declared}, but that file does not exist (run \`npm run build\`).`
          : "but package.json declares no such bin in this build.") +
        " To measure the dynamic door alone, run with BENCH_DOORS=dynamic.",
    );
  }
  const dir = join(WORK_ROOT, "bench-plugins");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  symlinkSync(target, join(dir, NATIVE_PLUGIN));
  symlinkSync(NOOP_PLUGIN, join(dir, "pulumi-resource-benchnoop"));
  return dir;
}

/** The extra environment of a program's stack: for the native door, PATH with the plugins first. */
export function programEnv(
  program: Program,
  bin: string,
  pluginDir: string | undefined,
): Record<string, string> {
  if (program !== "native" && program !== "native-noop") return {};
  if (!pluginDir) throw new Error(`bench: program ${program} needs the native plugins (nativePluginDir)`);
  const base = engineEnv(bin, "").PATH ?? "";
  return { PATH: `${pluginDir}:${base}` };
}

/** Parses a comma-separated selection such as BENCH_DOORS=dynamic or BENCH_MODES=skip,checkpoints. */
export function selection<T extends string>(value: string | undefined, all: readonly T[], name: string): T[] {
  if (!value) return [...all];
  const picked = value.split(",").map((part) => part.trim());
  const unknown = picked.filter((part) => !(all as readonly string[]).includes(part));
  if (unknown.length > 0) throw new Error(`bench: ${name} must name some of ${all.join(", ")}; got ${value}`);
  return all.filter((item) => picked.includes(item));
}
