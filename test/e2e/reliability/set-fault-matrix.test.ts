/**
 * The fault matrix on `WebhookSet`: each fault aimed at the POSTs of one set's create step (20
 * entries, the default concurrency of 10), on the real engine. One stack holds one set per cell,
 * each in a project of its own (a lane), so every cell's create runs in one `up`, and the next
 * `up` (with its preview, as users run it) checks that each cell converges:
 * - partial failure: 5 of the 20 POSTs refused (HTTP 400, not retried). The `up` fails with a
 *   message naming exactly those 5 entries and why; state keeps the other 15, each with the key
 *   in force; the next `up` creates the 5 and sends no other write;
 * - lost POST: 5 POSTs written, then their answers dropped; the create finds each webhook and
 *   sets a key it knows, in the same `up`;
 * - 429 with Retry-After and 503: bursts of 10 over the concurrent POSTs, retried in the same `up`.
 * Every cell ends with 0 duplicates, 0 orphans (the project's webhooks are exactly the set's
 * state) and every key in state the key in force (set-support.ts). The kills are in
 * set-crash.test.ts. A door is a lane's dimension: the native door joins as rows of DOORS.
 *
 * The table is written as the `set` part of the fault report (fault-rows.ts, `npm run report:faults`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FaultSpec, RequestRecord } from "../../../emulator";
import { provisionEngine, upWithPreview, type StackFixture } from "../../support/engine";
import { API_KEY, startWorld, type World } from "../fixture";
import { writeReportPart } from "./fault-rows";
import {
  assertKeysInForce,
  assertSetsConverged,
  entries,
  setStack,
  setStates,
  type DeclaredSet,
  type SetDoor,
} from "./set-support";
import { engine, type EngineRun } from "./support";

const N = 20;
const FAILED = 5;

interface SetRow {
  key: string;
  label: string;
  /** The faults of the row, aimed at the POSTs of one lane's project. */
  faults(projectId: string): FaultSpec[];
  /** Whether the faulted `up` is to converge by itself, or fail the set naming the entries. */
  partial: boolean;
}

const onPosts = (projectId: string) => ({ method: "POST", path: /^\/v1\/webhooks$/, projectId });

const ROWS: SetRow[] = [
  {
    key: "partial",
    label: `${FAILED} of ${N} POSTs refused (HTTP 400, not retried)`,
    partial: true,
    faults: (projectId) => [
      {
        kind: "status",
        status: 400,
        type: "general_argument_invalid",
        message: "Invalid `url` param: the receiver host is blocked",
        count: FAILED,
        ...onPosts(projectId),
      },
    ],
  },
  {
    key: "drop",
    label: `${FAILED} POSTs written, then the answer dropped`,
    partial: false,
    faults: (projectId) => [{ kind: "commit-then-drop", count: FAILED, ...onPosts(projectId) }],
  },
  {
    key: "429",
    label: "429 + Retry-After: 1, burst of 10",
    partial: false,
    faults: (projectId) => [{ kind: "status", status: 429, retryAfter: 1, count: 10, ...onPosts(projectId) }],
  },
  {
    key: "503",
    label: "503, burst of 10",
    partial: false,
    faults: (projectId) => [{ kind: "status", status: 503, count: 10, ...onPosts(projectId) }],
  },
];

/** The dynamic door's set; the plugin's `NativeWebhookSet` joins as `"native"`. */
const DOORS: readonly SetDoor[] = ["dynamic"];

interface Lane {
  door: SetDoor;
  row: SetRow;
  /** The set's resource name. */
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
    return { door, row, name: `set_${door}_${row.key}`, set };
  }),
);
const sets = Object.fromEntries(lanes.map((lane) => [lane.name, lane.set]));

interface CellReport {
  faulted: string;
  retries: number;
  calls: string;
  stepMs: number;
  nextUp: string;
  converged: string;
}
const report: Partial<Record<string, CellReport>> = {};

let world: World;
let fixture: StackFixture;
let faultedUp: EngineRun;
let cursor = 0;

beforeAll(async () => {
  await provisionEngine();
  world = await startWorld();
  for (const lane of lanes) {
    world.emulator.createProject(lane.set.projectId);
    world.emulator.createKey(lane.set.projectId, { key: API_KEY });
  }
  fixture = await setStack(world, sets);
});
afterAll(async () => {
  world?.emulator.clearFaults();
  // The server goes with the stack: a destroy would only cost a delete per webhook.
  fixture?.discard();
  await world?.close();
  await writeReport();
});

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

/** The entries a set's failure names, as `webhooks.<key> (create webhook <id>): <reason>`. */
function namedFailures(run: EngineRun, lane: Lane): Map<string, { id: string; reason: string }> {
  const text = run.errorsByUrn
    .filter((diagnostic) => diagnostic.urn.endsWith(`::${lane.name}`))
    .map((diagnostic) => diagnostic.message)
    .join("\n");
  const named = new Map<string, { id: string; reason: string }>();
  for (const match of text.matchAll(/^\s*- webhooks\.(\w+) \(create webhook (\S+)\): (.*)$/gm)) {
    named.set(match[1] ?? "", { id: match[2] ?? "", reason: match[3] ?? "" });
  }
  return named;
}

describe("WebhookSet fault matrix: each fault on a set's create step", () => {
  it("one up runs every cell: the partial failure names its 5 entries and keeps the 15, the others converge", async () => {
    for (const lane of lanes)
      for (const fault of lane.row.faults(lane.set.projectId)) world.emulator.injectFault(fault);
    cursor = world.emulator.requests().at(-1)?.seq ?? 0;
    faultedUp = await engine(fixture.stack, "up", { continueOnError: true });
    world.emulator.clearFaults();
    console.log(
      `set fault matrix: faulted up${faultedUp.error ? " (failed)" : ""} took ${(faultedUp.ms / 1000).toFixed(1)} s`,
    );
    expect(faultedUp.error, "the partial failure fails the up").toBeDefined();

    const states = await setStates(fixture.stack);
    for (const lane of lanes) {
      const requests = requestsOf(lane, cursor);
      const state = states[lane.name];
      expect(state, `${lane.name} is in state`).toBeDefined();
      if (!state) continue;
      const ids = new Set(Object.values(state.webhookIds));
      const retries = faultedUp.retries.filter((line) =>
        [...ids, ...world.emulator.webhooks(lane.set.projectId).map((w) => w.$id)].some((id) =>
          line.includes(`webhook ${id} `),
        ),
      ).length;
      if (lane.row.partial) {
        const named = namedFailures(faultedUp, lane);
        const live = world.emulator.webhooks(lane.set.projectId);
        const absent = Object.keys(lane.set.webhooks).filter((key) => !(key in state.webhookIds));
        // Exactly the refused entries: named in the message, absent from state and from the server.
        expect([...named.keys()].sort(), "the entries the failure names").toEqual(absent);
        expect(absent).toHaveLength(FAILED);
        for (const [key, { id, reason }] of named) {
          expect(reason, key).toMatch(
            new RegExp(
              `^Appwrite refused to create webhook ${id}: HTTP 400 general_argument_invalid: Invalid \`url\` param`,
            ),
          );
          expect(
            live.some((w) => w.$id === id),
            `${key}'s webhook ${id} was not made`,
          ).toBe(false);
        }
        const message = faultedUp.errorsByUrn.find((d) => d.urn.endsWith(`::${lane.name}`))?.message ?? "";
        expect(message).toMatch(new RegExp(`${FAILED} of ${N} webhook changes of this WebhookSet failed`));
        // The other 15 are kept with their keys: each the key in force, each verifying a delivery.
        expect(Object.keys(state.webhookIds)).toHaveLength(N - FAILED);
        expect(live).toHaveLength(N - FAILED);
        expect(new Set(live.map((w) => w.$id))).toEqual(ids);
        await assertKeysInForce(world, state, lane.set.projectId);
        report[lane.name] = {
          faulted: `fails naming the ${named.size} refused entries (HTTP 400 general_argument_invalid); state keeps ${ids.size} with their keys`,
          retries,
          calls: calls(requests),
          stepMs: stepMs(requests),
          nextUp: "",
          converged: "",
        };
      } else {
        expect(
          faultedUp.errorsByUrn.filter((d) => d.urn.endsWith(`::${lane.name}`)),
          lane.name,
        ).toEqual([]);
        const figures = await assertSetsConverged(world, fixture.stack, { [lane.name]: lane.set });
        report[lane.name] = {
          faulted: `converged: ${figures[lane.name]?.inState} in state, ${figures[lane.name]?.onServer} on the server`,
          retries,
          calls: calls(requests),
          stepMs: stepMs(requests),
          nextUp: "",
          converged: "",
        };
      }
    }
    // Each fault met the lane it was aimed at: the lost answers were recovered, the bursts retried.
    const byRow = (key: string) => requestsOf(lanes.find((l) => l.row.key === key) as Lane, cursor);
    expect(byRow("drop").filter((r) => r.method === "POST" && r.status === null)).toHaveLength(FAILED);
    expect(byRow("429").filter((r) => r.status === 429)).toHaveLength(10);
    expect(byRow("503").filter((r) => r.status === 503)).toHaveLength(10);
  });

  it("the next up converges every cell: it creates the 5 failed entries and sends no other write", async () => {
    const before = world.emulator.requests().at(-1)?.seq ?? 0;
    const started = Date.now();
    await upWithPreview(fixture.stack);
    const ms = Date.now() - started;
    console.log(`set fault matrix: next up took ${(ms / 1000).toFixed(1)} s`);
    const figures = await assertSetsConverged(world, fixture.stack, sets);
    for (const lane of lanes) {
      const writes = requestsOf(lane, before).filter((r) => r.method !== "GET");
      const expected = lane.row.partial ? Array(FAILED).fill("POST") : [];
      expect(
        writes.map((r) => r.method),
        `${lane.name}: the next up's writes`,
      ).toEqual(expected);
      const cell = report[lane.name];
      const figure = figures[lane.name];
      if (!cell || !figure) continue;
      cell.nextUp = `${calls(requestsOf(lane, before))} (${(ms / 1000).toFixed(1)} s)`;
      cell.converged = `${figure.inState}/${figure.declared} in state and on the server; ${figure.duplicates} duplicates, ${figure.orphans} orphans; every key in force`;
    }
  });
});

async function writeReport(): Promise<void> {
  const lines = [
    "# WebhookSet (generated by `npm run report:faults`, test/e2e/reliability/set-fault-matrix.test.ts)",
    "",
    `Each cell is one set of ${N} entries (one with a declared ID, the others derived; concurrency 10) in a`,
    "project of its own, and its fault is aimed at that project's POSTs; one `up` runs every cell's",
    "create step, then one `up` with its preview checks that each converges. Columns: what the",
    "faulted `up` did; the retry lines the provider logged for the set's webhooks; the requests",
    "the project received in that `up`; the time from its first request to its last answer; the",
    "next `up`'s requests; and the check after it (set-support.ts): the project's webhooks are",
    "exactly the set's state, none twice, and every key in state is the key the server signs with,",
    "verified by a signed delivery. A kill during the create, with and without checkpoints, and a",
    "SIGKILL of the CLI alone: set-crash.test.ts.",
    "",
  ];
  for (const door of DOORS) {
    lines.push(
      door === "dynamic"
        ? "## Dynamic door (`WebhookSet`)"
        : "## Native door (`NativeWebhookSet`, the plugin)",
      "",
      "| fault | faulted up | retries | requests | step | next up | converged |",
      "|---|---|---|---|---|---|---|",
    );
    for (const lane of lanes.filter((l) => l.door === door)) {
      const cell = report[lane.name];
      lines.push(
        cell
          ? `| ${lane.row.label} | ${cell.faulted} | ${cell.retries} | ${cell.calls} | ${(cell.stepMs / 1000).toFixed(1)} s | ${cell.nextUp || "not run"} | ${cell.converged || "not run"} |`
          : `| ${lane.row.label} | not run | | | | | |`,
      );
    }
    lines.push("");
  }
  await writeReportPart("set", lines.join("\n"));
}
