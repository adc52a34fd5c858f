/**
 * A server slower than the request timeout, on the real engine: each operation ends within its
 * limit (three request timeouts plus the retry waits), the error says so, and the creates it
 * left unfinished, which the server applies after the provider gave up, are taken over by the
 * next `pulumi up`, for derived and declared IDs alike.
 *
 * With 40 s of latency and the default 30 s timeout, one create took 228 s to fail, said "after 1
 * attempts", and left its webhook on the server but not in state; with a declared ID, every later
 * `up` then stopped at "already exists … set `adopt: true`". The timeout here is 2 s and the
 * latency 5 s, so the same thing happens in seconds.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { provisionEngine, type StackFixture } from "../../support/engine";
import { PROJECT, startWorld, url, webhookStack, type World } from "../fixture";
import { assertConverged, checkpointOf, cli, sleep, type Declared } from "./support";

const TIMEOUT_SECONDS = 2;
const LATENCY_MS = 5_000;
/** 3 × the request timeout + 6.2 s of waits between retries (provider/appwrite/call-runner.ts). */
const LIMIT_SECONDS = 3 * TIMEOUT_SECONDS + 6.2;

let bin: string;
let world: World;
let fixture: StackFixture | undefined;

beforeAll(async () => {
  bin = await provisionEngine();
  world = await startWorld();
});
afterAll(async () => {
  world?.emulator.clearFaults();
  // The emulator goes away with the stacks: destroying them first would assert nothing.
  fixture?.discard();
  await world?.close();
});

const declared: Record<string, Declared> = {
  derived: { name: "Derived", url: url("/slow/derived"), events: ["users.*.create"] },
  declared: {
    name: "Declared",
    url: url("/slow/declared"),
    events: ["users.*.create"],
    webhookId: "slow-declared",
  },
};

it("creates against a server slower than the timeout fail within the limit, and the next `up` takes over what the server applied", async () => {
  fixture = await webhookStack(world, declared);
  await fixture.stack.setConfig("appwrite:httpTimeoutSeconds", { value: String(TIMEOUT_SECONDS) });
  const live = () => world.emulator.webhooks(PROJECT);
  world.emulator.injectFault({ kind: "latency", projectId: PROJECT, latencyMs: LATENCY_MS });

  const started = Date.now();
  const slow = await cli(bin, fixture, ["up", "--yes", "--stack", fixture.stack.name]);
  const upMs = Date.now() - started;
  const output = slow.stdout + slow.stderr;
  console.log(`slow endpoint: the first up ended after ${upMs} ms (exit ${slow.code})`);
  expect(slow.code, output).not.toBe(0);
  // Each create names its attempts in good grammar, and the limit it reached and where it comes from.
  expect(output).not.toMatch(/\b1 attempts\b/);
  const limits = [...output.matchAll(/in ([\d.]+) s, at the limit of ([\d.]+) s for one operation/g)];
  expect(limits.length, output).toBeGreaterThanOrEqual(2);
  for (const [, elapsed, limit] of limits) {
    expect(Number(limit)).toBe(LIMIT_SECONDS);
    // undici's coarse timer may fire the last attempt's timeout up to 0.5 s late.
    expect(Number(elapsed)).toBeLessThanOrEqual(LIMIT_SECONDS + 1.5);
  }
  expect(output).toMatch(/3 times the 2 s request timeout \(appwrite:httpTimeoutSeconds\)/);
  expect(output).toMatch(/The next `pulumi up` takes webhook slow-declared over if it finds it/);

  // The server applies the POSTs it was still holding: webhooks that state does not name.
  world.emulator.clearFaults();
  for (let waited = 0; live().length < 2 && waited < 2 * LATENCY_MS; waited += 100) await sleep(100);
  const leftOnServer = live().length;
  const inState = (checkpointOf(fixture).resources ?? []).filter((r) => r.type.endsWith("Webhook")).length;
  console.log(
    `slow endpoint: limit ${LIMIT_SECONDS} s per operation; the creates failed after ` +
      `${limits.map(([, elapsed]) => `${elapsed} s`).join(", ")}; ${leftOnServer} webhooks on the server, ${inState} in state`,
  );
  expect(leftOnServer).toBe(2);

  const again = await cli(bin, fixture, ["up", "--yes", "--stack", fixture.stack.name]);
  expect(again.code, again.stdout + again.stderr).toBe(0);
  await assertConverged(world, [{ stack: fixture.stack, declared }]);
});
