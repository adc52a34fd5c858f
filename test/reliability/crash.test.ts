/**
 * A `pulumi up` of 50 webhooks killed halfway (SIGKILL of the CLI, as an OOM kill or a cancelled
 * CI runner would do it), then the documented recovery (README, "Recovering from an interrupted
 * `pulumi up`"):
 *   1. `pulumi cancel`: the file backend keeps the dead run's lock;
 *   2. if the kill tore a backend write, remove the empty `*.json.attrs` sidecar it left
 *      (Pulumi then fails with "failed to load checkpoint: EOF");
 *   3. turn each pending create into a resource with the webhook ID the provider chose before
 *      the POST (`stack export` → edit → `stack import`): Pulumi 3.274 cannot import pending
 *      creates itself (`refresh --import-pending-creates` drops them, `--clear-pending-creates`
 *      orphans them, and a plain `up` creates duplicates next to them);
 *   4. `pulumi refresh`: keeps each recovered webhook that exists, drops the others;
 *   5. `pulumi up`: creates what is missing and sets a known key on the recovered ones.
 * The result must converge: exactly 50 webhooks, each in state once, no orphan, no duplicate,
 * every key in state verifying a delivery.
 */
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { provisionEngine, type StackFixture } from "../support/engine";
import { PROJECT, startWorld, url, webhookStack, type World } from "../e2e/fixture";
import {
  assertConverged,
  checkpointOf,
  cli,
  descendants,
  engine,
  sleep,
  startCli,
  succeeded,
  WEBHOOK_TYPE,
  type Declared,
} from "./support";

const N = 50;
/** Latency per create, so the up lasts a few seconds and is killed with creates in flight. */
const CREATE_LATENCY_MS = 400;
const KILL_AFTER_CREATED = 15;

let bin: string;
let world: World;
let fixture: StackFixture;

beforeAll(async () => {
  bin = await provisionEngine();
  world = await startWorld();
});
afterAll(async () => {
  world?.emulator.clearFaults();
  await fixture?.dispose();
  await world?.close();
});

const declared: Record<string, Declared> = Object.fromEntries(
  Array.from({ length: N }, (_, i) => [
    `crash${i}`,
    { name: `crash ${i}`, url: url(`/crash/${i}`), events: ["users.*.create"] },
  ]),
);

interface PendingOperation {
  type: string;
  resource: { urn: string; type: string; inputs: Record<string, unknown>; [key: string]: unknown };
}
interface Deployment {
  resources?: Array<Record<string, unknown>>;
  pending_operations?: PendingOperation[];
}

/** The README's recovery steps 1–4 (step 5 is a plain `up`); returns what it had to do. */
async function recover(): Promise<string[]> {
  const steps: string[] = [];
  const cancel = await cli(bin, fixture, ["cancel", "--yes", "--stack", "e2e"]);
  if (cancel.code === 0) steps.push("pulumi cancel");

  // A write torn by the kill can leave an empty metadata sidecar next to the checkpoint.
  const stacksDir = join(fixture.backendDir, ".pulumi", "stacks");
  for (const entry of readdirSync(stacksDir, { recursive: true, withFileTypes: true })) {
    const file = join(entry.parentPath, entry.name);
    if (entry.isFile() && entry.name.endsWith(".attrs") && statSync(file).size === 0) {
      rmSync(file);
      steps.push(`removed empty ${entry.name}`);
    }
  }

  const stateFile = join(fixture.workDir, "recovery.json");
  const exported = await cli(bin, fixture, ["stack", "export", "--stack", "e2e", "--file", stateFile]);
  expect(exported.code, exported.stderr).toBe(0);
  const state = JSON.parse(readFileSync(stateFile, "utf8")) as { deployment: Deployment };
  const pending = state.deployment.pending_operations ?? [];
  // Only this provider's webhooks: their pending create names the ID (other types may not).
  const isWebhookCreate = (op: PendingOperation) =>
    op.type === "creating" && op.resource.type === WEBHOOK_TYPE;
  const creates = pending.filter(isWebhookCreate);
  // The provider picked the webhook ID in `check`, before the POST, so the pending create already
  // names the webhook it may have made: record it as a resource and let refresh decide.
  state.deployment.resources = [
    ...(state.deployment.resources ?? []),
    ...creates.map((op) => ({
      ...op.resource,
      id: op.resource.inputs.webhookId,
      outputs: op.resource.inputs,
    })),
  ];
  state.deployment.pending_operations = pending.filter((op) => !isWebhookCreate(op));
  writeFileSync(stateFile, JSON.stringify(state));
  const imported = await cli(bin, fixture, ["stack", "import", "--stack", "e2e", "--file", stateFile]);
  expect(imported.code, imported.stderr).toBe(0);
  steps.push(`stack export/import: ${creates.length} pending creates recorded by webhook ID`);

  succeeded(await engine(fixture.stack, "refresh"));
  steps.push("pulumi refresh");
  return steps;
}

it("an up killed halfway converges after cancel, pending-create recovery, refresh and up", async () => {
  fixture = await webhookStack(world, declared);
  world.emulator.injectFault({
    kind: "latency",
    method: "POST",
    path: /^\/v1\/webhooks$/,
    latencyMs: CREATE_LATENCY_MS,
  });
  const up = startCli(bin, fixture, ["up", "--yes", "--skip-preview", "--stack", "e2e"]);
  const started = Date.now();
  while (world.emulator.webhooks(PROJECT).length < KILL_AFTER_CREATED) {
    if (Date.now() - started > 60_000) throw new Error("the up never got going");
    await sleep(20);
  }
  const pulumi = up.pid;
  const plugins = descendants(pulumi);
  process.kill(pulumi, "SIGKILL");
  const killedAt = world.emulator.webhooks(PROJECT).length;
  await up.done;
  // The plugins outlive the CLI; their requests in flight land (as they would in production), then
  // they are stopped, since nothing would ever stop them otherwise.
  await sleep(CREATE_LATENCY_MS + 500);
  for (const pid of plugins) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  world.emulator.clearFaults();

  const crashed = checkpointOf(fixture);
  const inState = (crashed.resources ?? []).filter((r) => r.type.endsWith("Webhook")).length;
  const pendingCreates = (crashed.pending_operations ?? []).filter((op) => op.type === "creating");
  const live = world.emulator.webhooks(PROJECT);
  console.log(
    `crash: killed with ${killedAt} webhooks created; after the kill ${live.length} on the server, ` +
      `${inState} in state, ${pendingCreates.length} pending creates`,
  );
  expect(pendingCreates.length).toBeGreaterThan(0);
  // Webhooks the state does not know: the orphans a naive recovery would leave behind.
  expect(live.length).toBeGreaterThan(inState);

  // One pending create stands for a POST that never reached the server: its webhook is absent.
  const lost = String(pendingCreates[0]?.resource.inputs.webhookId);
  world.emulator.deleteWebhook(lost);

  const steps = await recover();
  expect(world.emulator.webhooks(PROJECT).some((w) => w.$id === lost)).toBe(false);
  const upAgain = succeeded(await engine(fixture.stack, "up"));
  steps.push(`pulumi up (${upAgain.ms} ms)`);
  console.log(`crash recovery steps: ${steps.join(" → ")}`);

  await assertConverged(world, [{ stack: fixture.stack, declared }]);
  expect(world.emulator.webhooks(PROJECT)).toHaveLength(N);
});
