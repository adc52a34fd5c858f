/**
 * Watches the processes one Pulumi command starts, from /proc (Linux only): which process is
 * the engine, the program, the provider launcher and the provider itself, when each started,
 * how much CPU each used and each one's peak RSS.
 *
 * Processes are attributed to a command by their working directory: the engine, the language
 * host, the program and the provider all run in the stack's working copy, which is unique to
 * the benchmark's stack. Other test suites on the same machine are thus never counted.
 *
 * Limits, stated in the report: CPU time and VmHWM are the last values read before the
 * process exited, so up to one polling interval (25 ms) of a process's life can be missed;
 * start times come from /proc/<pid>/stat (10 ms clock ticks).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** USER_HZ: the unit of /proc/<pid>/stat times. 100 on every mainstream Linux architecture. */
const CLOCK_TICKS_PER_SECOND = 100;
/** Fast enough to see a short-lived provider (a preview of 10 resources lives about a second). */
const POLL_MS = 25;
/** Margin for the 10 ms resolution of start times when telling our children from older processes. */
const FORK_GRACE_MS = 100;

export type ProcessRole = "engine" | "language-host" | "program" | "launcher" | "provider" | "other";

export interface ProcessRecord {
  pid: number;
  role: ProcessRole;
  /** Wall-clock start (epoch ms), from the kernel's start time of the process. */
  startedAt: number;
  /** utime + stime, ms, last value read. */
  cpuMs: number;
  /** VmHWM (peak resident set), KiB, last value read. */
  peakRssKb: number;
  command: string;
}

/** Roles no process here forks children under, so a process with one of them has exec'd. */
const FINAL_ROLES = new Set<ProcessRole>(["provider", "program"]);

/** The classification of a command line. */
export function roleOf(argv: string[]): ProcessRole {
  const [exe = "", first = ""] = argv;
  if (argv.some((arg) => arg.endsWith("pulumi-resource-pulumi-nodejs"))) return "launcher";
  // The native door's plugins (ours and the no-op floor), each a Node script found on PATH.
  if (argv.some((arg) => /pulumi-resource-(appwrite-webhooks|benchnoop)$/.test(arg))) return "provider";
  if (argv.some((arg) => arg.includes("dynamic-provider"))) {
    // The launcher script first runs `node -e` to resolve the provider's path: launcher work.
    return first === "-e" ? "launcher" : "provider";
  }
  if (first !== "-e" && argv.some((arg) => /cmd[/\\]run([/\\]index\.js)?$/.test(arg))) return "program";
  if (exe.endsWith("pulumi-language-nodejs")) return "language-host";
  if (/(^|\/)pulumi$/.test(exe) && ["up", "preview", "refresh", "destroy"].includes(first)) return "engine";
  return "other";
}

function bootEpochMs(): number {
  const uptimeSeconds = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  return Date.now() - uptimeSeconds * 1000;
}

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces. */
function statFields(pid: number): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  return text.slice(text.lastIndexOf(")") + 2).split(" ");
}

function peakRssKb(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) : 0;
}

export class ProcessMonitor {
  private readonly records = new Map<number, ProcessRecord>();
  /** Pids seen with another working directory: never looked at again. */
  private readonly foreign = new Set<number>();
  private readonly boot = bootEpochMs();
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly workDir: string) {}

  start(): void {
    this.poll();
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  /** Every process seen so far (polled now), in start order, while polling goes on. */
  snapshot(): ProcessRecord[] {
    this.poll();
    return [...this.records.values()].sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Stops polling and returns every process seen, in start order. */
  stop(): ProcessRecord[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.poll();
    return [...this.records.values()].sort((a, b) => a.startedAt - b.startedAt);
  }

  private poll(): void {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      if (this.foreign.has(pid)) continue;
      try {
        this.sample(pid);
      } catch {
        // The process exited between the listing and the read: keep its last sample.
      }
    }
  }

  private sample(pid: number): void {
    let record = this.records.get(pid);
    if (!record) {
      // stat field 22 (index 19 here) is the start time in clock ticks since boot.
      const startedAt = this.boot + (Number(statFields(pid)[19]) / CLOCK_TICKS_PER_SECOND) * 1000;
      if (readlinkSync(`/proc/${pid}/cwd`) !== this.workDir) {
        // A child between fork and chdir still has its parent's directory: only processes older
        // than the monitor are certainly someone else's.
        if (startedAt < this.startedAt - FORK_GRACE_MS) this.foreign.add(pid);
        return;
      }
      record = { pid, role: "other", startedAt, cpuMs: 0, peakRssKb: 0, command: "" };
      this.records.set(pid, record);
    }
    // A child seen between fork and exec still shows its parent's command line: re-read it
    // until it has a role no parent here has. An exited process (zombie) shows an empty one.
    if (!FINAL_ROLES.has(record.role)) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      if (argv.length > 0) {
        record.role = roleOf(argv);
        record.command = argv.join(" ");
      }
    }
    const fields = statFields(pid);
    // utime and stime: stat fields 14 and 15.
    record.cpuMs = ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND) * 1000;
    // A zombie's status has no VmHWM: keep the last value read.
    record.peakRssKb = Math.max(record.peakRssKb, peakRssKb(pid));
  }
}

const emptyRoles = (): Record<ProcessRole, number> => ({
  engine: 0,
  "language-host": 0,
  program: 0,
  launcher: 0,
  provider: 0,
  other: 0,
});

/** Peak RSS (VmHWM) per role, MiB: the largest process of each role in one command. */
export function peakRssByRole(records: ProcessRecord[]): Record<ProcessRole, number> {
  const peaks = emptyRoles();
  for (const record of records) peaks[record.role] = Math.max(peaks[record.role], record.peakRssKb / 1024);
  return peaks;
}

/** CPU ms per role, summed over the processes of one command. */
export function cpuByRole(records: ProcessRecord[]): Record<ProcessRole, number> {
  const totals = emptyRoles();
  for (const record of records) totals[record.role] += record.cpuMs;
  return totals;
}
