/**
 * The doors the benchmark measures, each beside its floor, and the two checkpoint modes.
 *
 * - dynamic: our `Webhook` (a Pulumi dynamic resource) beside a no-op dynamic resource;
 * - native: our `NativeWebhook` through the provider plugin `pulumi-resource-appwrite-webhooks`
 *   as this repository runs it, the package's bin (a Node script), found on PATH, beside a no-op
 *   provider plugin (./plugins/pulumi-resource-benchnoop);
 * - executable: the same program through the plugin as users get it: the single executable that
 *   `npm run build:plugin -- linux-amd64` packs, installed with `pulumi plugin install resource
 *   appwrite-webhooks v<version> --file <tarball>` into the bench's own PULUMI_HOME, beside the
 *   same no-op plugin. Its stacks' PATH holds no `pulumi-resource-appwrite-webhooks`, so the engine
 *   can only run the installed one (the bench checks which process it ran).
 * - set: our `WebhookSet` holding the N webhooks as entries of one resource, beside a no-op set
 *   floor, one no-op dynamic resource holding the same N entries. The plugin door's
 *   `NativeWebhookSet` joins as one more entry of DOOR_SPECS (see there).
 *
 * The engine finds a plugin on PATH before its plugin cache, so the native programs' stacks get a
 * PATH that starts with a folder holding the plugins. A door that cannot run fails the bench with
 * the reason and the flag that leaves it out (BENCH_DOORS), never silently.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT, WORK_ROOT, engineEnv } from "../support/engine";

const run = promisify(execFile);

/** What one door's stack runs, on one side: the program folder, its extra config, and the type it declares. */
export interface DoorProgram {
  program: Program;
  /** The resource type the program declares (N of them, or one holding N entries), the stack aside. */
  resourceType: string;
  /** Extra stack config, such as which class a set program declares. */
  config?: Record<string, string>;
}

export interface DoorSpec {
  /** One resource per webhook, or one resource holding all N as entries (`WebhookSet`). */
  shape: "per-resource" | "set";
  /** The provider process the engine runs for ours, which decides the stack's environment (programEnv). */
  plugin: "dynamic" | "native" | "executable";
  /** How the report names the door. */
  label: string;
  ours: DoorProgram;
  floor: DoorProgram;
}

/**
 * Every door the bench can measure, ours beside its floor. A door is one entry here: the plugin
 * door's set joins as
 * `"native-set": { shape: "set", plugin: "native", label: "native \`NativeWebhookSet\` (Node plugin)",
 * ours: { program: "set", resourceType: "appwrite-webhooks:index:WebhookSet", config: { "bench:class": "NativeWebhookSet" } },
 * floor: { program: "set-noop", resourceType: "benchnoop:index:NoopSet", config: { "bench:noop": "plugin" } } }`.
 */
export const DOOR_SPECS = {
  dynamic: {
    shape: "per-resource",
    plugin: "dynamic",
    label: "dynamic `Webhook`",
    ours: { program: "webhooks", resourceType: "pulumi-nodejs:dynamic/appwrite:Webhook" },
    floor: { program: "noop", resourceType: "pulumi-nodejs:dynamic/bench:Noop" },
  },
  native: {
    shape: "per-resource",
    plugin: "native",
    label: "native `NativeWebhook` (Node plugin)",
    ours: { program: "native", resourceType: "appwrite-webhooks:index:Webhook" },
    floor: { program: "native-noop", resourceType: "benchnoop:index:Noop" },
  },
  executable: {
    shape: "per-resource",
    plugin: "executable",
    label: "native `NativeWebhook` (single executable)",
    ours: { program: "native", resourceType: "appwrite-webhooks:index:Webhook" },
    floor: { program: "native-noop", resourceType: "benchnoop:index:Noop" },
  },
  set: {
    shape: "set",
    plugin: "dynamic",
    label: "dynamic `WebhookSet`",
    ours: {
      program: "set",
      resourceType: "pulumi-nodejs:dynamic/appwrite:WebhookSet",
      config: { "bench:class": "WebhookSet" },
    },
    floor: {
      program: "set-noop",
      resourceType: "pulumi-nodejs:dynamic/bench:NoopSet",
      config: { "bench:noop": "dynamic" },
    },
  },
} as const satisfies Record<string, DoorSpec>;

export type Door = keyof typeof DOOR_SPECS;
export const DOORS = Object.keys(DOOR_SPECS) as Door[];
export const doorSpec = (door: Door): DoorSpec => DOOR_SPECS[door];
/** The doors whose program declares one set of N entries. */
export const SET_DOORS = DOORS.filter((door) => doorSpec(door).shape === "set");
export const isSetDoor = (door: Door): boolean => doorSpec(door).shape === "set";

export const MODES = ["checkpoints", "skip"] as const;
/** checkpoints: the engine's default, a checkpoint after every step; skip: PULUMI_SKIP_CHECKPOINTS=true. */
export type Mode = (typeof MODES)[number];
export type Side = "ours" | "floor";

export type Program = "webhooks" | "noop" | "native" | "native-noop" | "one-fetch" | "set" | "set-noop";

/** The request floor's program (./request-floor): one bare API call per create and delete. */
export const REQUEST_FLOOR_PROGRAM: DoorProgram = {
  program: "one-fetch",
  resourceType: "pulumi-nodejs:dynamic/bench:OneFetch",
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

/** The single executable the executable door runs: built from this tree, installed as users install it. */
export interface InstalledExecutable {
  /** The PULUMI_HOME it is installed in. */
  pulumiHome: string;
  /** The executable inside that home's plugin cache: the process the engine must start. */
  executable: string;
  /** A folder for PATH with the no-op floor plugin only. */
  floorDir: string;
}

/** The one platform this bench can run; the other archives are checked by the build's own tests. */
export const EXECUTABLE_PLATFORM = "linux-amd64";

const packageVersion = (): string =>
  (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;

/** The archive `npm run build:plugin -- linux-amd64` writes. */
export const executableTarball = (version = packageVersion()): string =>
  join(REPO_ROOT, "dist", "plugin", `${NATIVE_PLUGIN}-v${version}-${EXECUTABLE_PLATFORM}.tar.gz`);

/**
 * Builds the linux-amd64 single executable from this tree (`npm run build:plugin -- linux-amd64`,
 * about 20 s warm), so the figures are those of the code measured beside it, and installs the
 * archive into a fresh PULUMI_HOME with `pulumi plugin install --file` (about 1 s).
 */
export async function installExecutable(
  bin: string,
  log: (line: string) => void = () => undefined,
  host: { platform: string; arch: string } = process,
): Promise<InstalledExecutable> {
  if (host.platform !== "linux" || host.arch !== "x64") {
    throw new Error(
      `bench: the executable door runs the ${EXECUTABLE_PLATFORM} single executable, which this ` +
        `${host.platform}-${host.arch} machine cannot run. To measure the other doors, run with BENCH_DOORS=dynamic,native.`,
    );
  }
  const version = packageVersion();
  const started = performance.now();
  try {
    await run(
      join(REPO_ROOT, "node_modules", ".bin", "tsx"),
      ["scripts/build-plugin.ts", EXECUTABLE_PLATFORM],
      { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    const { stderr = "" } = error as { stderr?: string };
    throw new Error(
      `bench: \`npm run build:plugin -- ${EXECUTABLE_PLATFORM}\` failed, so the executable door cannot run ` +
        `(BENCH_DOORS=dynamic,native leaves it out):\n${stderr}`,
    );
  }
  log(
    `built the ${EXECUTABLE_PLATFORM} single executable in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const pulumiHome = join(WORK_ROOT, "bench-pulumi-home");
  rmSync(pulumiHome, { recursive: true, force: true });
  mkdirSync(pulumiHome, { recursive: true });
  await run(
    join(bin, "pulumi"),
    [
      "plugin",
      "install",
      "resource",
      "appwrite-webhooks",
      `v${version}`,
      "--file",
      executableTarball(version),
    ],
    { env: { ...process.env, PATH: bin, PULUMI_HOME: pulumiHome, PULUMI_SKIP_UPDATE_CHECK: "true" } },
  );
  const executable = join(pulumiHome, "plugins", `resource-appwrite-webhooks-v${version}`, NATIVE_PLUGIN);
  if (!existsSync(executable))
    throw new Error(`bench: \`pulumi plugin install --file\` left no ${NATIVE_PLUGIN} in its plugin cache`);
  const floorDir = join(WORK_ROOT, "bench-floor-plugin");
  rmSync(floorDir, { recursive: true, force: true });
  mkdirSync(floorDir, { recursive: true });
  symlinkSync(NOOP_PLUGIN, join(floorDir, "pulumi-resource-benchnoop"));
  return { pulumiHome, executable, floorDir };
}

/** What each door needs prepared before its stacks open (undefined for a door not selected). */
export interface DoorSetup {
  /** The native door's PATH folder (nativePluginDir). */
  pluginDir?: string;
  executable?: InstalledExecutable;
}

/**
 * The extra environment of a door's stack. The native door: PATH with its plugins first. The
 * executable door: its PULUMI_HOME, and a PATH from which every folder holding a
 * `pulumi-resource-appwrite-webhooks` (such as the Node plugin's, which the tests' engine
 * environment adds) is left out.
 */
export function programEnv(door: Door, bin: string, setup: DoorSetup): Record<string, string> {
  const plugin = doorSpec(door).plugin;
  if (plugin === "dynamic") return {};
  const base = (engineEnv(bin, "").PATH ?? "").split(":");
  if (plugin === "native") {
    if (!setup.pluginDir) throw new Error("bench: the native door needs its plugins (nativePluginDir)");
    return { PATH: [setup.pluginDir, ...base].join(":") };
  }
  if (!setup.executable) throw new Error("bench: the executable door needs its install (installExecutable)");
  const withoutNodePlugin = base.filter((dir) => dir !== "" && !existsSync(join(dir, NATIVE_PLUGIN)));
  return {
    PATH: [setup.executable.floorDir, ...withoutNodePlugin].join(":"),
    PULUMI_HOME: setup.executable.pulumiHome,
  };
}

/** Parses a comma-separated selection such as BENCH_DOORS=dynamic or BENCH_MODES=skip,checkpoints. */
export function selection<T extends string>(value: string | undefined, all: readonly T[], name: string): T[] {
  if (!value) return [...all];
  const picked = value.split(",").map((part) => part.trim());
  const unknown = picked.filter((part) => !(all as readonly string[]).includes(part));
  if (unknown.length > 0) throw new Error(`bench: ${name} must name some of ${all.join(", ")}; got ${value}`);
  return all.filter((item) => picked.includes(item));
}
