/**
 * The GitOps example as its CI workflow runs it survives a `kill -9` halfway through `pulumi up`:
 * examples/gitops (defineWebhooks, so every webhook ID is declared: `<stack>-<id>`), with the
 * workflow's job environment (PULUMI_SKIP_CHECKPOINTS, the API key from the environment), 8
 * entries, killed once the webhooks exist on the server and before the engine wrote any state.
 * Then the recovery of docs/recovery.md as written (`pulumi cancel`, `pulumi up`, the refresh), and the stack
 * must converge: the 8 declared webhooks, none twice, none that state does not name, and every
 * key in state (and in the example's `signingKeys` output) the key the server signs with.
 *
 * Before declared IDs were taken over, the recovery's `up` failed 8 times with "webhook ci-orders
 * already exists … set `adopt: true`", and the 8 webhooks stayed live with keys no state held.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT, openStack, provisionEngine, type StackFixture } from "../../support/engine";
import { API_KEY, PROJECT, RECEIVER_HOST, startWorld, type World } from "../fixture";
import { snippet } from "../../docs/snippets";
import { assertConverged, checkpointOf, type Declared } from "./support";
import { killHalfway, recoverAsDocumented } from "./crash-support";

const WORKFLOW = "examples/gitops/.github/workflows/webhooks.yml";
const STACK = "ci";
const HOOKS_HOST = `${STACK}.${RECEIVER_HOST}`;
const ENTRIES = ["orders", "signups", "invoices", "refunds", "carts", "reviews", "uploads", "teams"];
/** Each create lands this much later than the one before, so the kill comes with half of them made. */
const STAGGER_MS = 400;

let bin: string;
let world: World;
let fixture: StackFixture | undefined;

beforeAll(async () => {
  bin = await provisionEngine();
  world = await startWorld();
  world.emulator.setHostRoutes({
    [RECEIVER_HOST]: world.receiver.origin,
    [HOOKS_HOST]: world.receiver.origin,
  });
});
afterAll(async () => {
  world?.emulator.clearFaults();
  await fixture?.dispose();
  await world?.close();
});

/** The job's environment from the workflow file; the values that name CI secrets are the test's. */
function workflowEnv(): Record<string, string> {
  const workflow = parse(readFileSync(join(REPO_ROOT, WORKFLOW), "utf8")) as {
    jobs: Record<string, { env: Record<string, string> }>;
  };
  const env = Object.values(workflow.jobs)[0]?.env ?? {};
  // Literal settings are taken as they are; `${{ secrets.… }}` values are CI's, replaced here.
  const literal = Object.fromEntries(Object.entries(env).filter(([, value]) => !value.includes("${{")));
  expect(literal, `${WORKFLOW} sets PULUMI_SKIP_CHECKPOINTS`).toMatchObject({
    PULUMI_SKIP_CHECKPOINTS: "true",
  });
  expect(Object.keys(env)).toContain("APPWRITE_API_KEY");
  return { ...literal, APPWRITE_API_KEY: API_KEY };
}

/** webhooks.yaml with 8 entries in the example's shape: one rotating key, one with basic auth. */
function declarationFile(): string {
  const lines = ["version: 1", "variables:", "  env: dev", "webhooks:"];
  for (const [i, id] of ENTRIES.entries()) {
    lines.push(
      `  - id: ${id}`,
      `    name: ${id} (\${env})`,
      `    url: https://\${env}.${RECEIVER_HOST}/appwrite/${id}`,
      "    events: [users.*.create]",
    );
    if (i === 0) lines.push('    secret: { generate: true, rotationTrigger: "1" }');
    if (i === 1) lines.push("    auth: { username: appwrite, passwordConfig: receiverPassword }");
  }
  return `${lines.join("\n")}\n`;
}

it("examples/gitops with its workflow's settings, killed halfway through `pulumi up`, converges after the documented recovery", async () => {
  fixture = await openStack({
    program: "examples/gitops",
    stackName: STACK,
    config: {
      "appwrite:endpoint": world.emulator.endpoint,
      "appwrite:projectId": PROJECT,
      "gitops-webhooks:env": STACK,
    },
    secretConfig: { "gitops-webhooks:receiverPassword": "receiver-pw-ci" },
    env: workflowEnv(),
  });
  writeFileSync(join(fixture.workDir, "webhooks.yaml"), declarationFile());
  const declared: Record<string, Declared> = Object.fromEntries(
    ENTRIES.map((id) => [
      id,
      { name: `${id} (${STACK})`, url: `https://${HOOKS_HOST}/appwrite/${id}`, events: ["users.*.create"] },
    ]),
  );
  const live = () => world.emulator.webhooks(PROJECT);

  // The creates land one by one, STAGGER_MS apart; the kill comes when half of them exist.
  for (const [i] of ENTRIES.entries()) {
    world.emulator.injectFault({
      kind: "latency",
      method: "POST",
      path: /^\/v1\/webhooks$/,
      latencyMs: STAGGER_MS * (i + 1),
      count: 1,
    });
  }
  // As the workflow's `up` step runs it: with its preview.
  const killed = await killHalfway(
    bin,
    fixture,
    "pulumi up --yes",
    () => live().length >= ENTRIES.length / 2,
  );
  const atKill = live().length;
  // Requests already in the server finish without their client, as on a real server.
  for (let waited = 0; live().length < ENTRIES.length && waited < 10_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  world.emulator.clearFaults();
  const orphans = live().length;
  expect(checkpointOf(fixture).resources ?? [], "state after the kill").toEqual([]);
  expect(orphans).toBe(ENTRIES.length);

  const recovery = await recoverAsDocumented(bin, fixture, {
    recover: snippet("recover-interrupted-up").text,
    tornCheckpointFix: snippet("recover-torn-checkpoint").text,
  });
  console.log(
    `gitops: up killed after ${killed.ranMs} ms with ${atKill} webhooks made (${orphans} once the ` +
      `requests in flight landed, none in state); recovery took ${recovery.ms} ms`,
  );
  expect(recovery.code, recovery.output).toBe(0);
  // The conflict error is gone; each takeover is logged instead.
  expect(recovery.output).not.toMatch(/already exists in project|adopt: true/);
  expect(recovery.output).toMatch(/webhook ci-orders already exists under its declared ID .* taking it over/);

  await assertConverged(world, [{ stack: fixture.stack, declared }]);
  expect(
    live()
      .map((w) => w.$id)
      .sort(),
  ).toEqual(ENTRIES.map((id) => `${STACK}-${id}`).sort());
  // The example's own output holds the keys in force.
  const outputs = await fixture.stack.outputs();
  const signingKeys = outputs.signingKeys?.value as Record<string, { secret: string }>;
  for (const id of ENTRIES) {
    expect(signingKeys[id]?.secret, id).toBe(live().find((w) => w.$id === `${STACK}-${id}`)?.secret);
  }
});
