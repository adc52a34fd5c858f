/**
 * The real Pulumi engine for tests, the demo and benchmarks: provisions it (a `pulumi` on PATH,
 * or the pinned build from the Go module proxy) and opens stacks on a local file backend, so
 * nothing talks to Pulumi Cloud or downloads plugins.
 */
import { execFile, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import {
  LocalWorkspace,
  PulumiCommand,
  type ConfigMap,
  type DestroyOptions,
  type DestroyResult,
  type Stack,
  type UpdateSummary,
} from "@pulumi/pulumi/automation";

const run = promisify(execFile);

export const REPO_ROOT = resolve(__dirname, "..", "..");
/** Stack working copies live inside the repository, so the program resolves this package by self-reference. */
export const WORK_ROOT = join(REPO_ROOT, ".work");

let engineBin: Promise<string> | undefined;
/** One per process: `PulumiCommand.get` runs `pulumi version` each time, even told to skip the check. */
let engineCommand: Promise<PulumiCommand> | undefined;

export const PLUGIN_NAME = "pulumi-resource-appwrite-webhooks";
/** The built plugin (`npm run build`), as package.json's `bin` declares it. */
export const PLUGIN_MAIN = join(REPO_ROOT, "dist", "provider", "plugin", "main.js");

/**
 * A directory holding `pulumi-resource-appwrite-webhooks` (a link to the built plugin), for PATH:
 * the engine finds a provider executable there, as it would in a consumer's node_modules/.bin
 * (a package's own `bin` is not linked into its own node_modules).
 */
export function pluginBinDir(): string {
  const dir = join(WORK_ROOT, "plugin-bin");
  const link = join(dir, PLUGIN_NAME);
  mkdirSync(dir, { recursive: true });
  try {
    symlinkSync(PLUGIN_MAIN, link);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return dir;
}

/**
 * The directory holding `pulumi`, the Node language host and the dynamic-provider plugin script.
 * With `showProgress`, the build's progress lines go to this process's stderr (a cold build
 * takes minutes).
 */
export function provisionEngine(options: { showProgress?: boolean } = {}): Promise<string> {
  engineBin ??= new Promise<string>((resolvePath, reject) => {
    const child = spawn("bash", [join(REPO_ROOT, "scripts", "setup-pulumi.sh")], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", options.showProgress ? "inherit" : "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const lines = stdout.trim().split("\n");
      const bin = lines[lines.length - 1]?.trim();
      if (code === 0 && bin && existsSync(join(bin, "pulumi"))) resolvePath(bin);
      else reject(new Error(`scripts/setup-pulumi.sh failed (exit ${code}):\n${stderr}${stdout}`));
    });
  });
  return engineBin;
}

export interface StackOptions {
  /** A program folder under test/e2e/programs (or any folder) copied into a fresh working copy. */
  program: string;
  stackName?: string;
  /** Plain stack config, `key` → value, e.g. `appwrite:endpoint`. */
  config?: Record<string, string>;
  /** Secret stack config. */
  secretConfig?: Record<string, string>;
  /** Extra environment for the engine and the provider process. */
  env?: Record<string, string>;
  /** Run the program where it is instead of in a copy (the demo runs the root project). */
  inPlace?: boolean;
}

export interface StackFixture {
  stack: Stack;
  workDir: string;
  backendDir: string;
  env: Record<string, string>;
  /**
   * `stack.destroy()`, for a test that asserts on the destroy: `dispose` then runs no second
   * destroy. Only as the stack's last command, or the last of a cycle that always ends with it.
   */
  destroy(options?: DestroyOptions): Promise<DestroyResult>;
  /** Destroys what is left, then removes the working copy and the backend. */
  dispose(): Promise<void>;
  /**
   * Removes the working copy and the backend without destroying: only for a stack whose server
   * is thrown away with it, where a destroy would prove nothing and cost a delete per webhook.
   */
  discard(): void;
}

export const PASSPHRASE = "e2e-passphrase";

/** The environment every engine run gets: local backend, no update checks, no plugin downloads. */
export function engineEnv(
  bin: string,
  backendDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    PULUMI_HOME: join(backendDir, ".pulumi-home"),
    // The plugin scripts run plain `node`: it must be the Node 24 of node_modules/.bin.
    PATH: [bin, pluginBinDir(), join(REPO_ROOT, "node_modules", ".bin"), process.env.PATH ?? ""].join(":"),
    ...extra,
  };
}

export async function openStack(options: StackOptions): Promise<StackFixture> {
  const bin = await provisionEngine();
  mkdirSync(WORK_ROOT, { recursive: true });
  const workDir = options.inPlace
    ? resolve(REPO_ROOT, options.program)
    : mkdtempSync(join(WORK_ROOT, `${options.program.split("/").pop() ?? "program"}-`));
  if (!options.inPlace) cpSync(resolve(REPO_ROOT, options.program), workDir, { recursive: true });
  const backendDir = mkdtempSync(join(tmpdir(), "pulumi-backend-"));
  const env = engineEnv(bin, backendDir, options.env);
  engineCommand ??= PulumiCommand.get({ root: dirname(bin), skipVersionCheck: true });
  const pulumiCommand = await engineCommand;
  // The backend is new and empty, so the stack is created outright: a select first would be one
  // more CLI call that always fails.
  const stack = await LocalWorkspace.createStack(
    { stackName: options.stackName ?? "e2e", workDir },
    { pulumiCommand, envVars: env, pulumiHome: env.PULUMI_HOME },
  );
  // One `pulumi config set-all` for the whole config: each CLI call costs about 0.3 s here.
  const config: ConfigMap = {};
  for (const [key, value] of Object.entries(options.config ?? {})) config[key] = { value };
  for (const [key, value] of Object.entries(options.secretConfig ?? {}))
    config[key] = { value, secret: true };
  if (Object.keys(config).length > 0) await stack.setAllConfig(config);
  const removeCopies = () => {
    if (!options.inPlace) rmSync(workDir, { recursive: true, force: true });
    rmSync(backendDir, { recursive: true, force: true });
  };
  let destroyed = false;
  return {
    stack,
    workDir,
    backendDir,
    env,
    async destroy(destroyOptions = { onOutput: () => undefined }) {
      const result = await stack.destroy(destroyOptions);
      destroyed = true;
      return result;
    },
    async dispose() {
      try {
        // The CLI itself: the Automation API's destroy reads the stack's history afterwards, one
        // more CLI call that nothing here looks at.
        if (!destroyed) await runPulumi(stack, ["destroy", "--yes", "--skip-preview"]);
        // `stack rm` also deletes Pulumi.<stack>.yaml beside the program: needed only where the
        // program runs in place; a copy and its backend are deleted whole below.
        if (options.inPlace) await stack.workspace.removeStack(stack.name);
      } finally {
        removeCopies();
      }
    },
    discard: removeCopies,
  };
}

/**
 * Everything the file backend holds for the stack, as stored on disk: checkpoints, backups and
 * history. (The Automation API's exportStack shows secrets in plain text, so it proves nothing
 * about what is stored.)
 */
export function backendText(fixture: Pick<StackFixture, "backendDir">): string {
  const root = join(fixture.backendDir, ".pulumi");
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), "utf8"))
    .join("\n");
}

export interface UpWithPreviewOptions {
  /** URNs to replace (`--replace`), as `pulumi up --replace <urn>`. */
  replace?: string[];
  /** `--parallel`: resource operations at once (the engine's default when unset). */
  parallel?: number;
}

/**
 * `pulumi up --yes` as users run it, with its preview phase. The Automation API's `stack.up()`
 * always passes `--skip-preview`, so a provider that writes during a preview would pass every
 * test run through it; tests that count an operation's requests run this instead. Returns the
 * update's summary from the stack's history, and the command's output.
 */
export async function upWithPreview(
  stack: Stack,
  options: UpWithPreviewOptions = {},
): Promise<{ summary: UpdateSummary; stdout: string }> {
  const args = ["up", "--yes"];
  for (const urn of options.replace ?? []) args.push("--replace", urn);
  if (options.parallel !== undefined) args.push("--parallel", String(options.parallel));
  const stdout = await runPulumi(stack, args);
  const [summary] = await stack.history(1);
  if (!summary) throw new Error(`no update recorded after \`pulumi up\` of stack ${stack.name}`);
  return { summary, stdout };
}

/** A `pulumi` command on the stack, in its workspace's folder and environment; returns its stdout. */
async function runPulumi(stack: Stack, args: string[]): Promise<string> {
  const workspace = stack.workspace;
  const env = { ...process.env, ...workspace.envVars };
  if (workspace.pulumiHome) env.PULUMI_HOME = workspace.pulumiHome;
  const { stdout } = await run(workspace.pulumiCommand.command, [...args, "--stack", stack.name], {
    cwd: workspace.workDir,
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}
