/**
 * Only the `pulumi` CLI killed with SIGKILL, mid-`up`, as `kill -9 <pid of pulumi>` or a runner
 * that kills its direct child does it: the processes the engine started (our Node language host
 * and the program it runs, our plugin) cannot be told to stop, and must not stay behind under
 * PID 1, where a provider could go on writing to Appwrite for a run nobody records.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { provisionEngine, type StackFixture } from "../../support/engine";
import { PROJECT, startWorld, url, webhookStack, type World } from "../fixture";
import { descendants, sleep } from "./support";

let bin: string;
let world: World;
let fixture: StackFixture | undefined;
let leftovers: number[] = [];

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
  // The killed run holds the lock and left webhooks state may not know: the stack and its server go.
  fixture?.discard();
  await world?.close();
});

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return "";
  }
}

const isAlive = (pid: number) => commandOf(pid) !== "" && !/^\S+ \(.*\) Z/.test(statOf(pid));
function statOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return "";
  }
}

it("a SIGKILL to the CLI alone leaves no language host, program or plugin behind", async () => {
  fixture = await webhookStack(world, {
    dynamic: { name: "dynamic", url: url("/killed/dynamic"), events: ["users.*.create"] },
    native: { name: "native", url: url("/killed/native"), events: ["users.*.create"], door: "native" },
  });
  // Creates hang long enough for the kill to land while both providers and the program are busy.
  world.emulator.injectFault({
    kind: "latency",
    method: "POST",
    path: /^\/v1\/webhooks$/,
    latencyMs: 8_000,
  });
  const cli = spawn(`${bin}/pulumi`, ["up", "--yes"], {
    cwd: fixture.workDir,
    env: { ...process.env, ...fixture.env, PULUMI_NON_INTERACTIVE: "true" },
    stdio: "ignore",
  });
  const pid = cli.pid ?? 0;
  const exited = new Promise<void>((resolve) => cli.on("close", () => resolve()));
  const started = Date.now();
  // Wait until both creates reached the server: the language host, the program and both plugins run.
  while (world.emulator.requests().filter((r) => r.method === "POST").length < 2) {
    if (Date.now() - started > 120_000) throw new Error("the creates never reached the server");
    await sleep(50);
  }
  const tree = descendants(pid);
  const described = tree.map(commandOf);
  expect(described.some((c) => c.includes("pulumi-language-nodejs"))).toBe(true);
  expect(described.some((c) => c.includes("pulumi-resource-appwrite-webhooks"))).toBe(true);

  process.kill(pid, "SIGKILL");
  await exited;
  const deadline = Date.now() + 10_000;
  while (tree.some(isAlive) && Date.now() < deadline) await sleep(100);
  leftovers = tree.filter(isAlive);
  // Our own processes must be gone; the SDK's dynamic provider is listed apart (see the note).
  const ours = leftovers
    .map(commandOf)
    .filter((c) => !c.includes("cmd/dynamic-provider") && !c.includes("pulumi-resource-pulumi-nodejs"));
  expect(ours, "processes of the killed run still alive").toEqual([]);
  expect(world.emulator.webhooks(PROJECT).length).toBeLessThanOrEqual(2);
});
