/**
 * Vitest global setup: a test run must leave the work tree as it found it. Reports go into
 * ignored folders (`.work/`) or are written by an explicit command (`npm run report:faults`,
 * `npm run bench`), never by `npm test`. The teardown fails the run when a tracked file changed
 * or a file that git does not ignore appeared; files already dirty before the run are compared
 * by content, so a developer's own edits do not count.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");

/** `git status` of the work tree: path → fingerprint of its content (or of its absence). */
export function treeState(root = ROOT): Map<string, string> {
  const output = execFileSync("git", ["status", "--porcelain=v1", "-z", "--untracked-files=all"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const state = new Map<string, string>();
  const entries = output.split("\0").filter(Boolean);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] ?? "";
    const status = entry.slice(0, 2);
    const path = entry.slice(3);
    // A rename or copy is followed by its source path.
    if (status.startsWith("R") || status.startsWith("C")) i++;
    const file = join(root, path);
    const content =
      existsSync(file) && statSync(file).isFile()
        ? createHash("sha256").update(readFileSync(file)).digest("hex")
        : "absent";
    state.set(path, `${status} ${content}`);
  }
  return state;
}

/** What changed between two states, one line per path. */
export function treeChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [path, now] of after) {
    const was = before.get(path);
    if (was === undefined) changes.push(`${now.slice(0, 2).trim() || "M"} ${path}`);
    else if (was !== now) changes.push(`changed again ${path}`);
  }
  for (const path of before.keys()) if (!after.has(path)) changes.push(`reverted ${path}`);
  return changes;
}

/**
 * Reports an explicit command asks for by name (`npm run report:faults` sets FAULT_MATRIX_REPORT):
 * those paths may change.
 */
function requestedReports(): Set<string> {
  return new Set([process.env.FAULT_MATRIX_REPORT].filter((path): path is string => Boolean(path)));
}

/** Each Vitest project inherits the setup; the first one to run takes the snapshot for all. */
const TAKEN = Symbol.for("pulumi-appwrite-webhooks.clean-tree");

export default function setup(): (() => void) | undefined {
  const registry = globalThis as { [TAKEN]?: boolean };
  if (registry[TAKEN]) return undefined;
  registry[TAKEN] = true;
  if (!existsSync(join(ROOT, ".git"))) {
    throw new Error("the clean-tree check needs a git work tree (a clone, not an unpacked archive)");
  }
  const before = treeState();
  return () => {
    const allowed = requestedReports();
    const changes = treeChanges(before, treeState()).filter(
      (line) => !allowed.has(line.split(" ").pop() ?? ""),
    );
    if (changes.length === 0) return;
    // Vitest reports an error thrown here but still exits 0, so the exit code is set as well.
    process.exitCode = 1;
    throw new Error(
      `the test run changed the work tree (write reports into .work/ or behind an explicit command):\n  ${changes.join("\n  ")}`,
    );
  };
}
