/**
 * The fault matrix's table: the faults (rows), the lifecycle operations (columns), which rows
 * each door runs, and the report of the outcomes (see fault-matrix.test.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as prettier from "prettier";
import type { FaultSpec } from "../../../emulator";
import { REPO_ROOT, WORK_ROOT } from "../../support/engine";

/**
 * Client timeout for the matrix's stack, and the slow fault's delay. undici arms its headers
 * timeout on a coarse timer (500 ms ticks), so a 1 s timeout fires between 1 and 1.5 s: the slow
 * answer comes at 3 s, well past it, so every slow attempt times out and then still lands on the
 * server.
 */
export const TIMEOUT_SECONDS = 1;
export const SLOW_MS = 3000;

export type Op = "create" | "read" | "update" | "rotate" | "delete";
export const OPS: Op[] = ["create", "read", "update", "rotate", "delete"];
/** The HTTP method of each operation's call. */
export const METHOD: Record<Op, string> = {
  create: "POST",
  read: "GET",
  update: "PUT",
  rotate: "PATCH",
  delete: "DELETE",
};

/** The operations an `up` runs: every operation but the refresh's read. */
export type WriteOp = Exclude<Op, "read">;

/**
 * What a lane goes through: the write operation it meets under a burst (`transient`), the one it
 * meets under a persistent fault, and whether its refreshes are faulted. Across the plans every
 * operation meets each kind of fault exactly once per (door, row), so a single `up` per kind runs
 * every write cell, each on lanes of its own, where one `up` per operation did before:
 * - create: absent at first, created under a burst, deleted under a persistent fault;
 * - delete: created at first, deleted under a burst, created again (same derived ID) under a
 *   persistent fault;
 * - update: updated under each kind, and the lane both refreshes fault;
 * - rotate: rotated under each kind.
 */
export interface Plan {
  key: string;
  transient: WriteOp;
  persistent: WriteOp;
  reads: boolean;
}
export const PLANS: readonly Plan[] = [
  { key: "create", transient: "create", persistent: "delete", reads: false },
  { key: "delete", transient: "delete", persistent: "create", reads: false },
  { key: "update", transient: "update", persistent: "update", reads: true },
  { key: "rotate", transient: "rotate", persistent: "rotate", reads: false },
];

/** Where a row's fault is aimed: one operation's calls in one lane's project. */
export type LaneMatch = { method: string; path: RegExp; projectId: string; count: number | null };

export interface Row {
  key: string;
  label: string;
  /** How many requests a transient burst affects. */
  burst: number;
  fault(match: LaneMatch): FaultSpec;
  /** What a persistent fault's error must say besides the operation. */
  persistentError: RegExp;
}

const status =
  (code: number, retryAfter?: number) =>
  (match: LaneMatch): FaultSpec => ({
    kind: "status",
    status: code,
    ...(retryAfter === undefined ? {} : { retryAfter }),
    ...match,
  });

export const ROWS: Row[] = [
  {
    key: "429",
    label: "429 + Retry-After: 1",
    burst: 2,
    fault: status(429, 1),
    persistentError: /: HTTP 429 general_rate_limit_exceeded: .*\. Fix: the server kept rate-limiting/,
  },
  { key: "500", label: "500", burst: 1, fault: status(500), persistentError: /: HTTP 500 general_unknown: / },
  { key: "502", label: "502", burst: 1, fault: status(502), persistentError: /: HTTP 502 general_unknown: / },
  { key: "503", label: "503", burst: 2, fault: status(503), persistentError: /: HTTP 503 general_unknown: / },
  {
    key: "reset",
    label: "connection reset",
    burst: 1,
    fault: (match) => ({ kind: "reset", ...match }),
    persistentError: /: .+ \((UND_ERR_SOCKET|ECONNRESET)\)\. Check the endpoint and the network/,
  },
  {
    key: "slow",
    label: `answer after ${SLOW_MS / 1000} s (timeout ${TIMEOUT_SECONDS} s)`,
    burst: 1,
    fault: (match) => ({ kind: "latency", latencyMs: SLOW_MS, ...match }),
    // The operation's time limit may end it before its sixth attempt; the message then says so.
    persistentError:
      /: no answer within the timeout(, after .+ at the limit of .+)? \(UND_ERR_HEADERS_TIMEOUT\)/,
  },
  {
    key: "drop",
    label: "commit, then drop the answer",
    burst: 1,
    fault: (match) => ({ kind: "commit-then-drop", ...match }),
    persistentError: /: .+ \((UND_ERR_SOCKET|ECONNRESET)\)\. Check the endpoint and the network/,
  },
];

export type Door = "dynamic" | "native";
export const DOORS: readonly Door[] = ["dynamic", "native"];

/**
 * The native door shares the client, its retries and the lifecycle with the dynamic one; what it
 * adds is the gRPC door (status mapping, ErrorResourceInitFailed). Two rows cover its paths: a
 * timeout whose answer lands late (a failure reported through a status) and an answer lost after
 * the write (a partial failure recorded in state). The HTTP error rows exercise only the shared
 * client, which the dynamic door's full matrix covers. FAULT_MATRIX_NATIVE=all runs every row (its
 * rows share the dynamic door's commands, so this costs little time).
 */
const NATIVE_ROWS =
  process.env.FAULT_MATRIX_NATIVE === "all" ? ROWS : ROWS.filter((row) => ["slow", "drop"].includes(row.key));
export const ROWS_BY_DOOR: Record<Door, Row[]> = { dynamic: ROWS, native: NATIVE_ROWS };

export interface Cell {
  outcome: string;
  retries: number;
  /** Requests of the operation's method the server received, e.g. "POST×2 GET×1". */
  calls: string;
}
export type Kind = "transient" | "persistent";
export type Results = Record<Door, Record<Kind, Record<string, Partial<Record<Op, Cell>>>>>;

export function emptyResults(): Results {
  return {
    dynamic: { transient: {}, persistent: {} },
    native: { transient: {}, persistent: {} },
  };
}

/**
 * The Appwrite/network part of an error line, for the table: the same words from run to run (no
 * webhook ID, no attempt count or time, which the retries and calls columns show).
 */
export function summarize(line: string): string {
  const appwrite = /HTTP \d{3} [a-z_]+/.exec(line)?.[0];
  if (appwrite) return appwrite;
  const code = /\(([A-Z_]+)\)\. Check/.exec(line)?.[1];
  const cause = /webhook [^\s:]+: ([^,;(]+?)(?:[,;]| \()/.exec(line)?.[1];
  if (!code || !cause) return line.slice(0, 80);
  const notes = [
    /at the limit of/.test(line) ? "stopped at the operation's time limit" : "",
    /not written when read back/.test(line) ? "not written when read back" : "",
    /whether it was written is not known/.test(line) ? "not known whether written" : "",
  ].filter(Boolean);
  return [cause, ...notes].join(", ") + ` (${code})`;
}

/** Prints the table and writes it as the report's first part (see writeReportPart). */
export async function writeResults(results: Results): Promise<void> {
  const lines: string[] = [
    "# Fault matrix (generated by `npm run report:faults`, test/e2e/reliability/fault-matrix.test.ts)",
    "",
    `Real Pulumi engine against the emulator; client timeout ${TIMEOUT_SECONDS} s (stack config`,
    "`appwrite:httpTimeoutSeconds`, `appwrite-webhooks:httpTimeoutSeconds`). Each cell: outcome, retries the provider logged",
    '("retrying <op> after …" lines in the engine output), and the requests the server received',
    "for the operation. After every cell each project held exactly the declared webhooks, state",
    "matched them, and every key in state verified a real signed delivery.",
    "",
    "Each cell's webhook lives in an Appwrite project of its own (a read cell's project holds a",
    "second webhook that no fault aims at, so a refresh reads the project with one list, as it",
    "reads any project holding more than one webhook), and each fault is aimed at one project:",
    "one `up` runs every write operation's cells of one kind (burst or persistent), of both",
    "doors, and one refresh each kind's reads. The read column's retries are counted per project",
    "from the server's request log (a list's retry line names no project); their sum is checked",
    "against the retry lines.",
    "",
  ];
  for (const door of DOORS) {
    lines.push(
      door === "dynamic" ? "# Dynamic door (`Webhook`)" : "# Native door (`NativeWebhook`, the plugin)",
      "",
    );
    for (const kind of ["transient", "persistent"] as const) {
      lines.push(
        kind === "transient"
          ? "## Burst (429 ×2, 503 ×2, others ×1)"
          : "## Persistent (every matching request)",
        "",
        `| fault | ${OPS.join(" | ")} |`,
        `|---|${OPS.map(() => "---").join("|")}|`,
      );
      for (const row of ROWS_BY_DOOR[door]) {
        const cells = OPS.map((op) => {
          const cell = results[door][kind][row.key]?.[op];
          return cell ? `${cell.outcome}; retries ${cell.retries}; ${cell.calls}` : "not run";
        });
        lines.push(`| ${row.label} | ${cells.join(" | ")} |`);
      }
      lines.push("");
    }
  }
  await writeReportPart("webhook", lines.join("\n"));
}

/**
 * The parts of the report, in the order the file shows them: this matrix's (`Webhook`), then
 * set-fault-matrix.test.ts's (`WebhookSet`). Each test rewrites its own part and keeps the
 * other's, so `npm run report:faults` runs both into one file.
 */
const REPORT_PARTS = ["webhook", "set"] as const;
const PART_MARK = /^<!-- report part: (\w+) -->$/m;

/**
 * Prints a part and writes it to .work/reliability/results.md, or to the repository file named by
 * FAULT_MATRIX_REPORT (`npm run report:faults`): its figures vary from run to run, so the tracked
 * copy is rewritten only on purpose.
 */
export async function writeReportPart(part: (typeof REPORT_PARTS)[number], text: string): Promise<void> {
  console.log(text);
  const report = process.env.FAULT_MATRIX_REPORT;
  const file = report ? join(REPO_ROOT, report) : join(WORK_ROOT, "reliability", "results.md");
  mkdirSync(dirname(file), { recursive: true });
  const parts: Record<string, string> = {};
  if (existsSync(file)) {
    const pieces = readFileSync(file, "utf8").split(PART_MARK);
    // A file from before the parts holds the first part only.
    if (pieces[0]?.trim()) parts[REPORT_PARTS[0]] = pieces[0].trim();
    for (let i = 1; i + 1 < pieces.length; i += 2) parts[pieces[i] ?? ""] = (pieces[i + 1] ?? "").trim();
  }
  parts[part] = text;
  const whole = REPORT_PARTS.filter((name) => parts[name])
    .map((name) => `<!-- report part: ${name} -->\n\n${parts[name]}`)
    .join("\n\n");
  // Formatted as the repository's formatter would, so `prettier --check` passes after a test run.
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(whole, { ...options, filepath: file }));
}
