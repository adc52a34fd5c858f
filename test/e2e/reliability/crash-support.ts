/**
 * Pieces of the crash suites: a Pulumi command killed the way an OOM kill or a cancelled CI runner
 * kills it (SIGKILL to the CLI, the language host and the provider at once), and the
 * recovery commands of docs/recovery.md, read from it by their snippet id and run as written.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { StackFixture } from "../../support/engine";
import { descendants, sleep } from "./support";

/** What the killed command left: how long it ran before the kill. */
export interface Killed {
  ranMs: number;
}

/**
 * Runs a shell script (a `pulumi` command) in the stack's working copy, waits until `halfway()`
 * holds, then kills the whole tree with SIGKILL: the script's process group and every descendant
 * (the engine starts its plugins in process groups of their own, so the group alone would miss
 * them).
 */
export async function killHalfway(
  bin: string,
  fixture: Pick<StackFixture, "workDir" | "env">,
  script: string,
  halfway: () => boolean,
): Promise<Killed> {
  const child = spawn("bash", ["-c", script], {
    cwd: fixture.workDir,
    env: shellEnv(bin, fixture),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const pid = child.pid ?? 0;
  const started = Date.now();
  while (!halfway()) {
    if (child.exitCode !== null) throw new Error(`\`${script}\` ended before the kill:\n${output}`);
    if (Date.now() - started > 120_000) throw new Error(`\`${script}\` never got halfway:\n${output}`);
    await sleep(10);
  }
  const ranMs = Date.now() - started;
  const tree = descendants(pid);
  for (const target of [-pid, pid, ...tree]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  await exited;
  // Nothing of the killed run may survive it: a live provider would keep writing. SIGKILL lands
  // asynchronously, so give the kernel a moment.
  for (let waited = 0; tree.some(isAlive) && waited < 5_000; waited += 50) await sleep(50);
  expect(tree.filter(isAlive).map(describeProcess), "processes that survived the kill").toEqual([]);
  return { ranMs };
}

function isAlive(pid: number): boolean {
  try {
    // A zombie still answers signal 0; its state letter says it is dead.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

function describeProcess(pid: number): string {
  try {
    return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ")}`;
  } catch {
    return String(pid);
  }
}

/** The recovery blocks of docs/recovery.md, read by each test with `snippet(id)` (test/docs/snippets.ts). */
export interface DocumentedRecovery {
  /** `run=recover-interrupted-up`: the commands. */
  recover: string;
  /** `run=recover-torn-checkpoint`: the fix for a torn metadata file, run only after its error. */
  tornCheckpointFix: string;
}

/** A user's shell for the stack: its environment, the pinned engine first on PATH, no prompts. */
function shellEnv(bin: string, fixture: Pick<StackFixture, "env">): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...fixture.env,
    PATH: `${bin}:${fixture.env.PATH ?? process.env.PATH ?? ""}`,
    PULUMI_NON_INTERACTIVE: "true",
  };
}

export interface BlockRun {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs a shell block with bash, stopping at the first failing command, in the stack's working copy. */
export async function runBlock(
  bin: string,
  fixture: Pick<StackFixture, "workDir" | "env">,
  script: string,
): Promise<BlockRun> {
  const started = Date.now();
  const child = spawn("bash", ["-euo", "pipefail", "-c", script], {
    cwd: fixture.workDir,
    env: shellEnv(bin, fixture),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  return { code, output, ms: Date.now() - started };
}

/**
 * The recovery of docs/recovery.md ("Recovering from an interrupted `pulumi up`") as written: its commands,
 * and, only when they fail with the file backend's torn-metadata error, its fix for that, then the
 * commands again. `command` swaps the final `pulumi up` for the command that was interrupted.
 */
export async function recoverAsDocumented(
  bin: string,
  fixture: Pick<StackFixture, "workDir" | "env">,
  documented: DocumentedRecovery,
  command = "up",
): Promise<BlockRun & { tornCheckpoint: boolean }> {
  const script = documented.recover.replace(/^pulumi up\b/m, `pulumi ${command}`);
  const first = await runBlock(bin, fixture, script);
  const tornCheckpoint = first.code !== 0 && first.output.includes("failed to load checkpoint: EOF");
  if (!tornCheckpoint) return { ...first, tornCheckpoint };
  const fix = await runBlock(bin, fixture, documented.tornCheckpointFix);
  expect(fix.code, fix.output).toBe(0);
  const again = await runBlock(bin, fixture, script);
  return { ...again, ms: first.ms + fix.ms + again.ms, tornCheckpoint };
}
