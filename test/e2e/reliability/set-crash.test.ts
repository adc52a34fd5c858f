/**
 * A `WebhookSet`'s create killed mid-step, on the real engine: the set is one engine step, so a
 * kill lands inside it, with some entries' webhooks made and none recorded. Three ways:
 * - with per-step checkpoints (Pulumi's default): SIGKILL to the CLI, the language host and the
 *   provider at once, as an OOM kill or a cancelled CI runner does it; the state then holds the
 *   set as a pending create;
 * - with `PULUMI_SKIP_CHECKPOINTS=true`: the same kill; the state then holds nothing of the run;
 * - SIGKILL to the CLI alone (`kill -9 <pid of pulumi>`), the processes it started left to end
 *   on their own.
 * Each is followed by the recovery of docs/recovery.md, read from it and run as written, and
 * must converge (set-support.ts): the project holds exactly the set's 20 webhooks, none twice,
 * none outside state, no pending operation, and every key in state is the key in force. The
 * next `up` finds the killed run's webhooks under the same IDs (derived from the set's URN and
 * the entry's key, or declared) with the declared name, URL and events, takes each over and sets
 * its key (provider/lifecycle/create.ts).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionEngine, type StackFixture } from "../../support/engine";
import { API_KEY, startWorld, type World } from "../fixture";
import { snippet } from "../../docs/snippets";
import { killHalfway, recoverAsDocumented } from "./crash-support";
import { assertSetsConverged, entries, setStack, type DeclaredSet, type SetDoor } from "./set-support";
import { checkpointOf, descendants, sleep } from "./support";

/** The documented recovery (docs/recovery.md), as written. */
const RECOVERY = {
  recover: snippet("recover-interrupted-up").text,
  tornCheckpointFix: snippet("recover-torn-checkpoint").text,
};

const N = 20;
/** Two POSTs at a time, each answered after this long: the step lasts about 5 s, and is killed halfway. */
const CONCURRENCY = 2;
const CREATE_LATENCY_MS = 500;
const HALFWAY = N / 2;
/** The dynamic door's set; the plugin's `NativeWebhookSet` joins as `"native"`. */
const DOORS: readonly SetDoor[] = ["dynamic"];

let bin: string;
let world: World;
const fixtures: StackFixture[] = [];
const leftovers: number[] = [];

beforeAll(async () => {
  bin = await provisionEngine();
  world = await startWorld();
});
afterAll(async () => {
  for (const pid of leftovers) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone, as it should be.
    }
  }
  world?.emulator.clearFaults();
  // Each killed run's server and stack are thrown away together.
  for (const fixture of fixtures) fixture.discard();
  await world?.close();
});

/** One set of N entries in a project of its own, the last one under a declared ID. */
async function killedSetStack(door: SetDoor, kill: string, env: Record<string, string> = {}) {
  const cell = `${door}-${kill}`;
  const projectId = `crash-${cell}`;
  world.emulator.createProject(projectId);
  world.emulator.createKey(projectId, { key: API_KEY });
  const set: DeclaredSet = {
    door,
    projectId,
    webhooks: entries(`crash-${cell}`, N),
    concurrency: CONCURRENCY,
  };
  const last = set.webhooks[`e${N - 1}`];
  if (last) last.webhookId = `crash-${cell}-id`;
  const sets = { [`set_${cell.replace(/-/g, "_")}`]: set };
  const fixture = await setStack(world, sets, {}, env);
  fixtures.push(fixture);
  world.emulator.injectFault({
    kind: "latency",
    method: "POST",
    path: /^\/v1\/webhooks$/,
    projectId,
    latencyMs: CREATE_LATENCY_MS,
  });
  const live = () => world.emulator.webhooks(projectId);
  return { fixture, sets, live };
}

/** The documented recovery, then the invariant; returns the figures for the log. */
async function recoverAndConverge(fixture: StackFixture, sets: Record<string, DeclaredSet>) {
  world.emulator.clearFaults();
  const recovery = await recoverAsDocumented(bin, fixture, RECOVERY);
  expect(recovery.code, recovery.output).toBe(0);
  const figures = await assertSetsConverged(world, fixture.stack, sets);
  expect(checkpointOf(fixture).pending_operations ?? []).toEqual([]);
  return {
    recoveryMs: recovery.ms,
    tornCheckpoint: recovery.tornCheckpoint,
    figures: Object.values(figures)[0],
  };
}

const setsInCheckpoint = (fixture: StackFixture) =>
  (checkpointOf(fixture).resources ?? []).filter((r) => r.type.endsWith(":WebhookSet"));

describe.each(DOORS)("a WebhookSet's create killed mid-step (%s door)", (door) => {
  it("with checkpoints: converges after the documented recovery", async () => {
    const { fixture, sets, live } = await killedSetStack(door, "checkpoints");
    const killed = await killHalfway(bin, fixture, "pulumi up --yes", () => live().length >= HALFWAY);
    world.emulator.clearFaults();
    const made = live().length;
    const crashed = checkpointOf(fixture);
    const pending = (crashed.pending_operations ?? []).filter((op) => op.type === "creating");
    // The set's step never ended: the state knows of it only as a pending create, not its webhooks.
    expect(pending.map((op) => op.resource.urn.split("::").pop())).toEqual(Object.keys(sets));
    expect(setsInCheckpoint(fixture)).toEqual([]);
    expect(made).toBeGreaterThanOrEqual(HALFWAY);
    expect(made).toBeLessThan(N);
    const result = await recoverAndConverge(fixture, sets);
    console.log(
      `set crash (${door}), checkpoints: killed after ${killed.ranMs} ms with ${made} of ${N} webhooks made; ` +
        `recovery took ${result.recoveryMs} ms${result.tornCheckpoint ? " (torn checkpoint metadata removed)" : ""}; ` +
        `after it ${JSON.stringify(result.figures)}`,
    );
  });

  it("with PULUMI_SKIP_CHECKPOINTS=true: converges after the documented recovery", async () => {
    const { fixture, sets, live } = await killedSetStack(door, "no-checkpoints", {
      PULUMI_SKIP_CHECKPOINTS: "true",
    });
    const up = snippet("large-stacks-up").text;
    const killed = await killHalfway(bin, fixture, up, () => live().length >= HALFWAY);
    world.emulator.clearFaults();
    const made = live().length;
    // The previous state (empty) is all there is: every webhook the run made is unknown to it.
    expect(checkpointOf(fixture).resources ?? []).toEqual([]);
    expect(made).toBeGreaterThanOrEqual(HALFWAY);
    expect(made).toBeLessThan(N);
    const result = await recoverAndConverge(fixture, sets);
    console.log(
      `set crash (${door}), no checkpoints: killed after ${killed.ranMs} ms with ${made} of ${N} webhooks made; ` +
        `recovery took ${result.recoveryMs} ms; after it ${JSON.stringify(result.figures)}`,
    );
  });

  it("by a SIGKILL to the CLI alone: converges after the documented recovery", async () => {
    const { fixture, sets, live } = await killedSetStack(door, "cli-only");
    const cli = spawn(`${bin}/pulumi`, ["up", "--yes"], {
      cwd: fixture.workDir,
      env: { ...process.env, ...fixture.env, PULUMI_NON_INTERACTIVE: "true" },
      stdio: "ignore",
    });
    const pid = cli.pid ?? 0;
    const exited = new Promise<void>((resolve) => cli.on("close", () => resolve()));
    const started = Date.now();
    while (live().length < HALFWAY) {
      if (Date.now() - started > 120_000) throw new Error("the set's creates never got halfway");
      await sleep(10);
    }
    const tree = descendants(pid);
    process.kill(pid, "SIGKILL");
    const ranMs = Date.now() - started;
    await exited;
    const made = live().length;
    // Our language host, program and plugin must end with the CLI. The SDK's dynamic-provider host
    // (`@pulumi/pulumi`'s, which runs the dynamic `WebhookSet`) does not: it lives on, idle, and
    // first finishes the step it was running, writing webhooks nobody records (as killed-cli.test.ts
    // lists it apart). The recovery waits for that step to end: a create still running beside it
    // could take over a webhook the recovery just made and set a key that state never sees.
    const deadline = Date.now() + 10_000;
    while (ours(tree).length > 0 && Date.now() < deadline) await sleep(100);
    expect(ours(tree).map(commandOf), "processes of the killed run still alive").toEqual([]);
    leftovers.push(...tree.filter(isAlive));
    const quietFor = await untilQuiet(sets);
    const madeAfter = live().length;
    console.log(
      `set crash (${door}), CLI alone: killed after ${ranMs} ms with ${made} of ${N} webhooks made; the SDK's ` +
        `dynamic-provider host ${leftovers.length > 0 ? "lived on and" : "ended and"} made ${madeAfter - made} more ` +
        `(its last request ${quietFor} ms before the recovery)`,
    );
    const result = await recoverAndConverge(fixture, sets);
    console.log(
      `set crash (${door}), CLI alone: recovery took ${result.recoveryMs} ms; after it ${JSON.stringify(result.figures)}`,
    );
  });
});

/** The processes of `tree` still alive, but the SDK's dynamic-provider host (see the test). */
const ours = (tree: number[]) =>
  tree
    .filter(isAlive)
    .filter((pid) => !/cmd\/dynamic-provider|pulumi-resource-pulumi-nodejs/.test(commandOf(pid)));

/** Waits until the sets' projects have had no request for 2 s; returns how long ago the last came. */
async function untilQuiet(sets: Record<string, DeclaredSet>): Promise<number> {
  const projects = new Set(Object.values(sets).map((set) => set.projectId));
  const started = Date.now();
  for (;;) {
    const last = world.emulator
      .requests()
      .filter((r) => projects.has(r.projectId))
      .map((r) => Date.parse(r.receivedAt) + r.durationMs)
      .reduce((a, b) => Math.max(a, b), 0);
    if (Date.now() - last >= 2_000) return Math.round(Date.now() - last);
    if (Date.now() - started > 60_000) throw new Error("the killed run's step never ended");
    await sleep(100);
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return "";
  }
}

function isAlive(pid: number): boolean {
  try {
    // A zombie still answers signal 0; its state letter says it is dead.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
