/**
 * The fault matrix's world: one emulator, one stack and as few engine commands as the cells allow
 * (see fault-matrix.test.ts). Each (door, row, plan) triple is a lane: an Appwrite project of its
 * own holding the row's webhook (and, for a lane whose reads are faulted, a companion webhook),
 * with the stack's API key. A lane's plan
 * names the write operation it goes through under a burst and the one it goes through under a
 * persistent fault, so one `up` runs every write operation's cells at once, each on lanes of its
 * own. A fault is aimed at a lane by its project (X-Appwrite-Project), so a create or a list, whose
 * path names no webhook, still hits one lane only; the companion makes a refresh read the project
 * with one list, as it reads any project holding more than one webhook, and is created before any
 * fault, so a create fault in its project can only hit the row's webhook.
 */
import { expect } from "vitest";
import type { RequestRecord } from "../../../emulator";
import { provisionEngine, type StackFixture } from "../../support/engine";
import { API_KEY, declare, startWorld, url, webhookStack, type World } from "../fixture";
import {
  DOORS,
  METHOD,
  PLANS,
  ROWS_BY_DOOR,
  TIMEOUT_SECONDS,
  emptyResults,
  type Cell,
  type Door,
  type Kind,
  type Op,
  type Plan,
  type Row,
} from "./fault-rows";
import { assertConverged, engine, succeeded, webhookStates, type Declared, type EngineRun } from "./support";

export interface Lane {
  door: Door;
  row: Row;
  plan: Plan;
  /** `<door>-<row>-<plan>`, e.g. `dynamic-429-update`. */
  key: string;
  project: string;
  /** Resource names of the row's webhook and of its companion (lanes whose reads are faulted). */
  resource: string;
  companion?: string;
}

const LIST_OR_GET = /^\/v1\/webhooks(\/[^/]+)?$/;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export class FaultLanes {
  readonly lanes: Lane[] = DOORS.flatMap((door) =>
    ROWS_BY_DOOR[door].flatMap((row) =>
      PLANS.map((plan) => {
        const key = `${door}-${row.key}-${plan.key}`;
        return {
          door,
          row,
          plan,
          key,
          project: `fm-${key}`,
          resource: `row_${key}`,
          ...(plan.reads ? { companion: `companion_${key}` } : {}),
        };
      }),
    ),
  );
  readonly results = emptyResults();
  /** Webhook ID of each lane's row webhook, read from state after its create. */
  readonly ids: Record<string, string> = {};
  /** Per lane key, bumped to make the row webhook's update (name) or rotation (trigger) due. */
  private readonly version: Record<string, number> = {};
  private readonly trigger: Record<string, number> = {};
  world!: World;
  fixture!: StackFixture;
  private declared: Record<string, Declared> = {};
  private cursor = 0;

  /**
   * Starts the emulator and the stack, and creates the companions and the row webhook of every
   * lane whose first operation is not a create (no fault yet).
   */
  async open(): Promise<void> {
    await provisionEngine();
    this.world = await startWorld();
    for (const lane of this.lanes) {
      this.world.emulator.createProject(lane.project);
      this.world.emulator.createKey(lane.project, { key: API_KEY });
    }
    this.fixture = await webhookStack(this.world, {});
    for (const namespace of ["appwrite", "appwrite-webhooks"]) {
      await this.fixture.stack.setConfig(`${namespace}:httpTimeoutSeconds`, {
        value: String(TIMEOUT_SECONDS),
      });
    }
    await this.declare(this.lanes.filter((lane) => lane.plan.transient !== "create"));
    succeeded(await this.command("up"));
    await this.recordIds();
    await this.assertConverged();
  }

  /** Throws the stack away with its server: a destroy would only cost one more command. */
  async close(): Promise<void> {
    this.world?.emulator.clearFaults();
    this.fixture?.discard();
    await this.world?.close();
  }

  /** The lanes whose `kind` operation is `op`; `read` is the lanes whose plan reads. */
  going(kind: Kind, op: Op): Lane[] {
    return this.lanes.filter((lane) => (op === "read" ? lane.plan.reads : lane.plan[kind] === op));
  }

  /** Makes the next declare change the row webhook's name (update) or rotation trigger (rotate). */
  makeDue(op: "update" | "rotate", lanes: readonly Lane[]): void {
    const counters = op === "update" ? this.version : this.trigger;
    for (const lane of lanes) counters[lane.key] = (counters[lane.key] ?? 1) + 1;
  }

  /** Declares the companions and the row webhooks of `withRows`. */
  async declare(withRows: readonly Lane[]): Promise<void> {
    const entries: Array<[string, Declared]> = [];
    for (const lane of this.lanes) {
      if (lane.companion) {
        entries.push([
          lane.companion,
          {
            name: `companion ${lane.key}`,
            url: url(`/matrix/${lane.key}/companion`),
            events: ["users.*.create"],
            projectId: lane.project,
            door: lane.door,
          },
        ]);
      }
      if (!withRows.includes(lane)) continue;
      entries.push([
        lane.resource,
        {
          name: `row ${lane.key} v${this.version[lane.key] ?? 1}`,
          url: url(`/matrix/${lane.key}`),
          events: ["users.*.create"],
          rotationTrigger: this.trigger[lane.key] ?? 1,
          projectId: lane.project,
          door: lane.door,
        },
      ]);
    }
    this.declared = Object.fromEntries(entries);
    await declare(this.fixture.stack, this.declared);
  }

  /** Every lane's project holds exactly what is declared, state matches, and every key verifies. */
  async assertConverged(): Promise<void> {
    await assertConverged(
      this.world,
      [{ stack: this.fixture.stack, declared: this.declared }],
      this.lanes.map((lane) => lane.project),
    );
  }

  async recordIds(): Promise<void> {
    const states = await webhookStates(this.fixture.stack);
    for (const lane of this.lanes) {
      const state = states.find((s) => s.name === lane.resource);
      if (state) this.ids[lane.key] = state.id;
    }
  }

  /** Starts a command's cells: no fault left over, and a cursor into the request log. */
  begin(): void {
    this.world.emulator.clearFaults();
    // The request log is cleared by reset(), which would also drop the webhooks; keep a cursor instead.
    this.cursor = this.world.emulator.requests().at(-1)?.seq ?? 0;
  }

  /** Aims the row's fault at the lane's call of `op`: a burst, or every matching request. */
  inject(op: Op, lane: Lane, persistent: boolean): void {
    const id = escape(this.ids[lane.key] ?? "");
    const path =
      op === "create"
        ? /^\/v1\/webhooks$/
        : op === "read"
          ? LIST_OR_GET
          : op === "rotate"
            ? new RegExp(`^/v1/webhooks/${id}/secret$`)
            : new RegExp(`^/v1/webhooks/${id}$`);
    this.world.emulator.injectFault(
      lane.row.fault({
        method: METHOD[op],
        path,
        projectId: lane.project,
        count: persistent ? null : lane.row.burst,
      }),
    );
  }

  /** Runs one engine command with every step at once, then clears the faults. */
  async command(command: "up" | "refresh", options: Record<string, unknown> = {}): Promise<EngineRun> {
    // Above the number of resources (at most a row webhook and a companion per lane).
    const parallel = 2 * this.lanes.length + 1;
    const run = await engine(this.fixture.stack, command, { parallel, ...options });
    this.world.emulator.clearFaults();
    // The matrix's time is its commands' time: printed so that a slower command shows.
    console.log(
      `fault matrix: ${command}${run.error ? " (failed)" : ""} took ${(run.ms / 1000).toFixed(1)} s`,
    );
    return run;
  }

  record(kind: Kind, lane: Lane, op: Op, cell: Cell): void {
    (this.results[lane.door][kind][lane.row.key] ??= {})[op] = cell;
  }

  /** The client's wording of each operation, as in its retry lines and errors. */
  operationText(op: Op, lane: Lane): string {
    const id = this.ids[lane.key] ?? "";
    switch (op) {
      case "create":
        return `create webhook ${id}`;
      case "read":
        // Whether a shared list or the webhook's own GET served the read depends on timing; the
        // error names the webhook either way.
        return `read webhook ${id}`;
      case "update":
        return `update webhook ${id}`;
      case "rotate":
        return `update the secret of webhook ${id}`;
      case "delete":
        return `delete webhook ${id}`;
    }
  }

  private requestsOf(lane: Lane): RequestRecord[] {
    return this.world.emulator.requests().filter((r) => r.seq > this.cursor && r.projectId === lane.project);
  }

  /** Requests of the lane's operation since begin(), e.g. "POST×2 GET×1". */
  calls(op: Op, lane: Lane): string {
    const requests = this.requestsOf(lane);
    const id = this.ids[lane.key];
    const methods = op === "create" ? ["POST", "GET", "PUT", "PATCH"] : [METHOD[op]];
    return methods
      .map((method) => {
        const n = requests.filter(
          (r) =>
            r.method === method &&
            (op === "create" || op === "read" || (id !== undefined && r.path.includes(id))),
        ).length;
        return n > 0 ? `${method}×${n}` : "";
      })
      .filter(Boolean)
      .join(" ");
  }

  /**
   * Retries of the lane's read: the failed reads its project received, less the last attempt of
   * each request given up on when the fault persisted. The lane's two reads are served by one
   * list, or, when they reach the provider apart, by a GET each: one request or two, as timing
   * decides. A list's retry line names no project, so the lines cannot be told apart;
   * readRetryLines checks the sum.
   */
  readRetries(lane: Lane, persistent: boolean): number {
    const failed = this.requestsOf(lane).filter((r) => r.method === "GET" && r.status !== 200);
    const givenUp = persistent ? new Set(failed.map((r) => r.path)).size : 0;
    return failed.length - givenUp;
  }

  /** Expects the persistent fault's error on the lane's resource: the operation and the Appwrite (or network) error. */
  expectClearError(run: EngineRun, op: Op, lane: Lane): string {
    expect(run.error, `${lane.key} ${op}: a persistent fault must fail the command`).toBeDefined();
    const text = run.errorsByUrn
      .filter((diagnostic) => diagnostic.urn.endsWith(`::${lane.resource}`))
      .map((diagnostic) => diagnostic.message)
      .join("\n");
    const operation = this.operationText(op, lane);
    const pattern = new RegExp(`${escape(operation)}${lane.row.persistentError.source}`);
    const line = text.split("\n").find((l) => pattern.test(l));
    expect(
      line,
      `${lane.key} ${op}: error of ${lane.resource} naming "${operation}" and ${lane.row.persistentError}:\n${text}`,
    ).toBeDefined();
    return line ?? "";
  }

  /** Whether the command reported an error on the lane's row webhook. */
  failedOn(run: EngineRun, lane: Lane): boolean {
    return run.errorsByUrn.some((diagnostic) => diagnostic.urn.endsWith(`::${lane.resource}`));
  }
}

/** The read retry lines of a command: every lane's list (or lone read) retries. */
export function readRetryLines(run: EngineRun): number {
  return run.retries.filter((line) => /retrying (list webhooks|read webhook \S+) after/.test(line)).length;
}
