/**
 * The fault matrix on `WebhookSet`, on the real engine: each fault aimed at one set's writes,
 * first in its create step (20 entries, the default concurrency of 10), then in an update step
 * that edits 2 entries (PUT), rotates 2 (PATCH), removes 2 (DELETE) and adds 2 (POST). One stack
 * holds one set per fault (a lane), each in a project of its own, so each step of every lane
 * runs in one `up`, and the next `up` (with its preview, as users run it) checks each converges:
 * - partial failure: some writes refused with HTTP 400, which is not retried (5 of the 20 POSTs;
 *   then one write of each method). The `up` fails with a message naming exactly the failed
 *   entries and why; state keeps every other change, each webhook with the key in force; the
 *   next `up` sends exactly the failed writes again, and no other;
 * - lost answer: writes committed, then their answers dropped (5 POSTs; one of each method);
 * - 429 with Retry-After and 503: bursts over the concurrent writes (10 POSTs; 2 of each method).
 * Every cell ends with 0 duplicates, 0 orphans (the project's webhooks are exactly the set's
 * state) and every key in state the key in force (set-support.ts). The kills are in
 * set-crash.test.ts. The door is a lane's dimension: the native door joins as rows of DOORS.
 *
 * The tables are the `set` part of the fault report (fault-rows.ts, `npm run report:faults`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FaultSpec, RequestRecord } from "../../../emulator";
import { provisionEngine, upWithPreview, type StackFixture } from "../../support/engine";
import { API_KEY, startWorld, type World } from "../fixture";
import { writeReportPart } from "./fault-rows";
import {
  assertSetsConverged,
  assertStateMatchesServer,
  declareSets,
  deliveryUrl,
  entries,
  setStack,
  setStates,
  type DeclaredSet,
  type SetDoor,
  type SetStateEntry,
} from "./set-support";
import { engine, type EngineRun } from "./support";

const N = 20;
/** POSTs refused or answered late in the create step. */
const CREATE_HITS = 5;
type Step = "create" | "update";
const WRITES = ["PUT", "PATCH", "DELETE", "POST"] as const;

interface SetRow {
  key: string;
  label: Record<Step, string>;
  /** The faults of the row in a step, aimed at one lane's project. */
  faults(step: Step, projectId: string): FaultSpec[];
  /** Whether the faulted `up` is to fail the set naming the entries, or converge by itself. */
  partial: boolean;
}

/** The create step's faults hit POSTs; the update step's, `count` writes of each method. */
const aimed = (step: Step, projectId: string, createCount: number, updateCount: number) =>
  step === "create"
    ? [{ method: "POST", path: /^\/v1\/webhooks$/, projectId, count: createCount }]
    : WRITES.map((method) => ({ method, projectId, count: updateCount }));

const ROWS: SetRow[] = [
  {
    key: "partial",
    label: {
      create: `${CREATE_HITS} of ${N} POSTs refused (HTTP 400, not retried)`,
      update: "one write of each method refused (HTTP 400, not retried)",
    },
    partial: true,
    faults: (step, projectId) =>
      aimed(step, projectId, CREATE_HITS, 1).map((match) => ({
        kind: "status",
        status: 400,
        type: "general_argument_invalid",
        message: "Invalid `url` param: the receiver host is blocked",
        ...match,
      })),
  },
  {
    key: "drop",
    label: {
      create: `${CREATE_HITS} POSTs written, then the answer dropped`,
      update: "one write of each method committed, then the answer dropped",
    },
    partial: false,
    faults: (step, projectId) =>
      aimed(step, projectId, CREATE_HITS, 1).map((match) => ({ kind: "commit-then-drop", ...match })),
  },
  {
    key: "429",
    label: { create: "429 + Retry-After: 1, burst of 10", update: "429 + Retry-After: 1, 2 of each method" },
    partial: false,
    faults: (step, projectId) =>
      aimed(step, projectId, 10, 2).map((match) => ({
        kind: "status",
        status: 429,
        retryAfter: 1,
        ...match,
      })),
  },
  {
    key: "503",
    label: { create: "503, burst of 10", update: "503, 2 of each method" },
    partial: false,
    faults: (step, projectId) =>
      aimed(step, projectId, 10, 2).map((match) => ({ kind: "status", status: 503, ...match })),
  },
];

/** The dynamic door's set; the plugin's `NativeWebhookSet` joins as `"native"`. */
const DOORS: readonly SetDoor[] = ["dynamic", "native"];

interface Lane {
  door: SetDoor;
  row: SetRow;
  /** `<door>-<row>`, and the set's resource name. */
  key: string;
  name: string;
  set: DeclaredSet;
}

const lanes: Lane[] = DOORS.flatMap((door) =>
  ROWS.map((row) => {
    const key = `${door}-${row.key}`;
    const set: DeclaredSet = { door, projectId: `fs-${key}`, webhooks: entries(key, N), unmanaged: "report" };
    // One entry declares its ID, as a GitOps file does; the others' IDs are derived.
    const declared = set.webhooks.e19;
    if (declared) declared.webhookId = `fs-${key}-declared`;
    return { door, row, key, name: `set_${door}_${row.key}`, set };
  }),
);
const setsNow = () => Object.fromEntries(lanes.map((lane) => [lane.name, lane.set]));

/** What the update step changes in each set, by the method it sends. */
const UPDATE = { PUT: ["e00", "e01"], PATCH: ["e02", "e03"], DELETE: ["e04", "e05"], POST: ["e20", "e21"] };

function updateSets(): void {
  for (const lane of lanes) {
    const webhooks = lane.set.webhooks;
    for (const [key, entry] of Object.entries(webhooks)) {
      if (UPDATE.PUT.includes(key)) webhooks[key] = { ...entry, name: `${lane.key} ${key} v2` };
      if (UPDATE.PATCH.includes(key)) webhooks[key] = { ...entry, rotationTrigger: 2 };
      if (UPDATE.DELETE.includes(key)) delete webhooks[key];
    }
    for (const key of UPDATE.POST) {
      webhooks[key] = {
        name: `${lane.key} ${key}`,
        url: deliveryUrl(lane.key, key),
        events: ["users.*.create"],
      };
    }
  }
}

interface CellReport {
  faulted: string;
  retries: number;
  calls: string;
  stepMs: number;
  nextUp?: string;
  converged?: string;
}
const report: Record<Step, Partial<Record<string, CellReport>>> = { create: {}, update: {} };
const commandMs: Partial<Record<string, number>> = {};

let world: World;
let fixture: StackFixture;

beforeAll(async () => {
  await provisionEngine();
  world = await startWorld();
  for (const lane of lanes) {
    world.emulator.createProject(lane.set.projectId);
    world.emulator.createKey(lane.set.projectId, { key: API_KEY });
  }
  fixture = await setStack(world, setsNow());
});
afterAll(async () => {
  world?.emulator.clearFaults();
  // The server goes with the stack: a destroy would only cost a delete per webhook.
  fixture?.discard();
  await world?.close();
  await writeReport();
});

const lastSeq = () => world.emulator.requests().at(-1)?.seq ?? 0;
const requestsOf = (lane: Lane, since: number): RequestRecord[] =>
  world.emulator.requests().filter((r) => r.seq > since && r.projectId === lane.set.projectId);

/** The requests a lane's project received, by method, e.g. "POST×25 GET×6 PATCH×5". */
function calls(requests: RequestRecord[]): string {
  const counts = new Map<string, number>();
  for (const request of requests) counts.set(request.method, (counts.get(request.method) ?? 0) + 1);
  return [...counts].map(([method, n]) => `${method}×${n}`).join(" ") || "none";
}

/** From the lane's first request to its last answer: the time its set's step spent on the server. */
function stepMs(requests: RequestRecord[]): number {
  if (requests.length === 0) return 0;
  const start = Math.min(...requests.map((r) => Date.parse(r.receivedAt)));
  const end = Math.max(...requests.map((r) => Date.parse(r.receivedAt) + r.durationMs));
  return end - start;
}

/**
 * For a lane under 429 + Retry-After: 1, the shortest wait, per method, from the server's first
 * 429 to its first success: every concurrent request was refused at once, so no request of that
 * method can succeed before the provider has waited the second the server asked for. Read from
 * the server's log, not from the provider's own retry lines.
 */
function waitAfter429(requests: RequestRecord[]): number {
  const waits = [...new Set(requests.filter((r) => r.status === 429).map((r) => r.method))].map((method) => {
    const ofMethod = requests.filter((r) => r.method === method);
    const first429 = Math.min(
      ...ofMethod.filter((r) => r.status === 429).map((r) => Date.parse(r.receivedAt)),
    );
    const firstOk = Math.min(
      ...ofMethod.filter((r) => r.status !== null && r.status < 300).map((r) => Date.parse(r.receivedAt)),
    );
    return firstOk - first429;
  });
  return Math.min(...waits);
}

/** A converged lane's own evidence: the wait the server asked for, where it asked for one. */
function honoured(lane: Lane, requests: RequestRecord[]): string {
  if (lane.row.key !== "429") return "";
  const wait = waitAfter429(requests);
  // The server stamps arrival in whole milliseconds; a timer may fire a few early.
  expect(wait, `${lane.name}: first success after the 429s (ms)`).toBeGreaterThanOrEqual(990);
  return `; first success ${(wait / 1000).toFixed(1)} s after the 429s`;
}

interface NamedFailure {
  key: string;
  op: string;
  id: string;
  reason: string;
}

/** The entries a set's failure names, as `- webhooks.<key> (<op> webhook <id>): <reason>`. */
function namedFailures(run: EngineRun, lane: Lane): { message: string; named: NamedFailure[] } {
  const message = run.errorsByUrn
    .filter((diagnostic) => diagnostic.urn.endsWith(`::${lane.name}`))
    .map((diagnostic) => diagnostic.message)
    .join("\n");
  const named = [
    ...message.matchAll(/^\s*- webhooks\.(\w+) \((create|update|delete) webhook (\S+)\): (.*)$/gm),
  ].map((match) => ({ key: match[1] ?? "", op: match[2] ?? "", id: match[3] ?? "", reason: match[4] ?? "" }));
  return { message, named };
}

/** Runs one step of every lane in one `up`, each lane under its row's faults. */
async function faultedUp(
  step: Step,
): Promise<{ run: EngineRun; since: number; before: Record<string, SetStateEntry> }> {
  const before = await setStates(fixture.stack);
  for (const lane of lanes)
    for (const fault of lane.row.faults(step, lane.set.projectId)) world.emulator.injectFault(fault);
  const since = lastSeq();
  const run = await engine(fixture.stack, "up", { continueOnError: true });
  world.emulator.clearFaults();
  commandMs[`faulted ${step}`] = run.ms;
  console.log(
    `set fault matrix: ${step} step under faults${run.error ? " (failed)" : ""} took ${(run.ms / 1000).toFixed(1)} s`,
  );
  expect(run.error, "the partial failure fails the up").toBeDefined();
  return { run, since, before };
}

/** Retry lines about the webhooks of a lane (before or after the step). */
function retriesOf(run: EngineRun, lane: Lane, states: Array<SetStateEntry | undefined>): number {
  const ids = new Set([
    ...states.flatMap((state) => Object.values(state?.webhookIds ?? {})),
    ...world.emulator.webhooks(lane.set.projectId).map((w) => w.$id),
  ]);
  return run.retries.filter((line) => [...ids].some((id) => line.includes(`webhook ${id} `))).length;
}

/**
 * The failure of a partial lane: the message names exactly `expected` (the entries whose write
 * the server refused, by the operation the set ran), each with Appwrite's refusal, and state
 * holds what the server holds.
 */
async function checkPartial(
  run: EngineRun,
  lane: Lane,
  state: SetStateEntry,
  expected: number,
): Promise<string> {
  const { message, named } = namedFailures(run, lane);
  const changes = /(\d+) of (\d+) webhook changes of this WebhookSet failed:/.exec(message);
  expect(changes?.[1], message).toBe(String(expected));
  expect(named, message).toHaveLength(expected);
  for (const failure of named) {
    expect(failure.reason, failure.key).toMatch(/HTTP 400 general_argument_invalid: Invalid `url` param/);
  }
  await assertStateMatchesServer(world, state, lane.set.projectId);
  return `fails naming the ${named.length} refused entries (${named.map((f) => `${f.key}: ${f.op}`).join(", ")}); state keeps ${Object.keys(state.webhookIds).length} with their keys`;
}

/** The next `up`, with its preview: the partial lanes send exactly their failed writes again, the others nothing. */
async function nextUp(step: Step, failedWrites: Record<string, string[]>): Promise<void> {
  const since = lastSeq();
  const started = Date.now();
  await upWithPreview(fixture.stack);
  const ms = Date.now() - started;
  commandMs[`next up after ${step}`] = ms;
  console.log(`set fault matrix: next up after the ${step} step took ${(ms / 1000).toFixed(1)} s`);
  const figures = await assertSetsConverged(world, fixture.stack, setsNow());
  for (const lane of lanes) {
    const writes = requestsOf(lane, since).filter((r) => r.method !== "GET");
    expect(writes.map((r) => r.method).sort(), `${lane.name}: the next up's writes`).toEqual(
      [...(failedWrites[lane.name] ?? [])].sort(),
    );
    const cell = report[step][lane.name];
    const figure = figures[lane.name];
    if (!cell || !figure) continue;
    cell.nextUp = calls(requestsOf(lane, since));
    cell.converged = `${figure.inState}/${figure.declared}; ${figure.duplicates} duplicates, ${figure.orphans} orphans; keys in force`;
  }
}

const METHOD_OF: Record<string, string> = { create: "POST", delete: "DELETE" };

describe("WebhookSet fault matrix: each fault on a set's create step, then on an update step", () => {
  const failedWrites: Record<string, string[]> = {};

  it("create: one up runs every cell; the partial failure names its 5 entries and keeps the 15, the others converge", async () => {
    const { run, since } = await faultedUp("create");
    const states = await setStates(fixture.stack);
    for (const lane of lanes) {
      const requests = requestsOf(lane, since);
      const state = states[lane.name];
      expect(state, `${lane.name} is in state`).toBeDefined();
      if (!state) continue;
      let faulted: string;
      if (lane.row.partial) {
        faulted = await checkPartial(run, lane, state, CREATE_HITS);
        // The refused entries are exactly the ones missing from state and from the server.
        const absent = Object.keys(lane.set.webhooks).filter((key) => !(key in state.webhookIds));
        expect(
          namedFailures(run, lane)
            .named.map((f) => f.key)
            .sort(),
        ).toEqual(absent);
        expect(Object.keys(state.webhookIds)).toHaveLength(N - CREATE_HITS);
        failedWrites[lane.name] = absent.map(() => "POST");
      } else {
        expect(namedFailures(run, lane).message, lane.name).toBe("");
        const figure = (await assertSetsConverged(world, fixture.stack, { [lane.name]: lane.set }))[
          lane.name
        ];
        faulted = `converged: ${figure?.inState} in state and on the server${honoured(lane, requests)}`;
      }
      report.create[lane.name] = {
        faulted,
        retries: retriesOf(run, lane, [state]),
        calls: calls(requests),
        stepMs: stepMs(requests),
      };
    }
    // Each fault met the lane it was aimed at.
    const byRow = (key: string) => requestsOf(lanes.find((l) => l.row.key === key) as Lane, since);
    expect(byRow("drop").filter((r) => r.method === "POST" && r.status === null)).toHaveLength(CREATE_HITS);
    expect(byRow("429").filter((r) => r.status === 429)).toHaveLength(10);
    expect(byRow("503").filter((r) => r.status === 503)).toHaveLength(10);
  });

  it("create: the next up converges every cell, creating the 5 failed entries and sending no other write", async () => {
    await nextUp("create", failedWrites);
  });

  it("update: one up runs every cell; the partial failure names one entry of each write and keeps the rest, the others converge", async () => {
    const keysBefore = await setStates(fixture.stack);
    updateSets();
    await declareSets(fixture.stack, setsNow());
    const { run, since } = await faultedUp("update");
    const states = await setStates(fixture.stack);
    for (const lane of lanes) {
      const requests = requestsOf(lane, since);
      const state = states[lane.name];
      const old = keysBefore[lane.name];
      expect(state, `${lane.name} is in state`).toBeDefined();
      if (!state || !old) continue;
      let faulted: string;
      if (lane.row.partial) {
        faulted = await checkPartial(run, lane, state, WRITES.length);
        const { named } = namedFailures(run, lane);
        // One refused write of each method: the entries named are one of each change.
        for (const [method, keys] of Object.entries(UPDATE)) {
          expect(
            named.filter((f) => keys.includes(f.key)),
            `${lane.name}: the failed ${method}`,
          ).toHaveLength(1);
        }
        failedWrites[lane.name] = named.map(
          (f) => METHOD_OF[f.op] ?? (UPDATE.PATCH.includes(f.key) ? "PATCH" : "PUT"),
        );
      } else {
        expect(namedFailures(run, lane).message, lane.name).toBe("");
        const figure = (await assertSetsConverged(world, fixture.stack, { [lane.name]: lane.set }))[
          lane.name
        ];
        faulted = `converged: ${figure?.inState} in state and on the server${honoured(lane, requests)}`;
        failedWrites[lane.name] = [];
      }
      // A rotation that went through moved the old key to previousSecrets; one that failed kept it.
      for (const key of UPDATE.PATCH) {
        if (state.secrets[key] === old.secrets[key]) continue;
        expect(state.previousSecrets[key], `${lane.name}.${key}: the old key is the previous one`).toBe(
          old.secrets[key],
        );
      }
      report.update[lane.name] = {
        faulted,
        retries: retriesOf(run, lane, [old, state]),
        calls: calls(requests),
        stepMs: stepMs(requests),
      };
    }
    const rotatedEverywhere = lanes
      .filter((lane) => !lane.row.partial)
      .every((lane) =>
        UPDATE.PATCH.every((key) => states[lane.name]?.secrets[key] !== keysBefore[lane.name]?.secrets[key]),
      );
    expect(rotatedEverywhere, "every converged lane rotated both keys").toBe(true);
  });

  it("update: the next up converges every cell, sending exactly the failed writes again", async () => {
    await nextUp("update", failedWrites);
  });
});

async function writeReport(): Promise<void> {
  const seconds = (name: string) => `${((commandMs[name] ?? 0) / 1000).toFixed(1)} s`;
  const lines = [
    "# WebhookSet (generated by `npm run report:faults`, test/e2e/reliability/set-fault-matrix.test.ts)",
    "",
    `Each cell is one set of ${N} entries (one with a declared ID, the others derived; concurrency 10)`,
    "in a project of its own, and its fault is aimed at that project's writes. One `up` runs every",
    "cell's create step, then one `up` with its preview checks that each converges; then the same for",
    "an update step that edits 2 entries (PUT), rotates 2 (PATCH), removes 2 (DELETE) and adds 2 (POST).",
    "Columns: what the faulted `up` did; the retry lines the provider logged for the set's webhooks;",
    "the requests the project received in that `up`; the time from its first request to its last",
    "answer; the next `up`'s requests; and the check after it (set-support.ts): the project's",
    "webhooks are exactly the set's state, none twice, and every key in state is the key the server",
    "signs with, verified by a signed delivery. A kill during the create, with and without",
    "checkpoints, and a SIGKILL of the CLI alone: set-crash.test.ts.",
    "",
    `Commands (all cells at once): create step ${seconds("faulted create")}, next up ${seconds("next up after create")};`,
    `update step ${seconds("faulted update")}, next up ${seconds("next up after update")}.`,
    "",
  ];
  for (const door of DOORS) {
    lines.push(
      door === "dynamic"
        ? "## Dynamic door (`WebhookSet`)"
        : "## Native door (`NativeWebhookSet`, the plugin)",
      "",
    );
    for (const step of ["create", "update"] as const) {
      lines.push(
        step === "create"
          ? `### Create step (${N} POSTs)`
          : "### Update step (2 PUT, 2 PATCH, 2 DELETE, 2 POST)",
        "",
        "| fault | faulted up | retries | requests | step | next up | converged |",
        "|---|---|---|---|---|---|---|",
      );
      for (const lane of lanes.filter((l) => l.door === door)) {
        const cell = report[step][lane.name];
        lines.push(
          cell
            ? `| ${lane.row.label[step]} | ${cell.faulted} | ${cell.retries} | ${cell.calls} | ${(cell.stepMs / 1000).toFixed(1)} s | ${cell.nextUp ?? "not run"} | ${cell.converged ?? "not run"} |`
            : `| ${lane.row.label[step]} | not run | | | | | |`,
        );
      }
      lines.push("");
    }
  }
  await writeReportPart("set", lines.join("\n"));
}
