/**
 * The CLI as a user runs it: `npm run emulator -- --port 0 --project demo --api-key k1`
 * prints one JSON line, serves node-appwrite with exactly those settings, and shuts down on
 * SIGTERM/SIGINT with exit code 0. It needs no target, so it runs in both modes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import { Client, Webhooks } from "node-appwrite";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const running: ChildProcess[] = [];

afterEach(() => {
  // A test that failed midway must not leave an emulator behind.
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null && child.pid)
      process.kill(-child.pid, "SIGKILL");
  }
});

interface Started {
  child: ChildProcess;
  ready: { endpoint: string; projectId: string; apiKey: string };
  stdoutLines: () => string[];
  stderr: () => string;
  closed: Promise<void>;
}

/** Spawns in its own process group and resolves with the first JSON line on stdout. */
function start(command: string, args: string[]): Promise<Started> {
  // A process group of its own, so the whole chain (npm, sh, tsx, node) can be signalled.
  const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true });
  running.push(child);
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<void>((resolve) => child.stdout?.on("close", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no JSON line within 20 s; stderr: ${stderr}`)), 20_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split("\n").find((candidate) => candidate.startsWith("{"));
      if (!line) return;
      clearTimeout(timer);
      resolve({
        child,
        ready: JSON.parse(line) as Started["ready"],
        stdoutLines: () => stdout.split("\n").filter((l) => l.startsWith("{")),
        stderr: () => stderr,
        closed,
      });
    });
    child.on("error", reject);
  });
}

const exitOf = (child: ChildProcess): Promise<{ code: number | null; signal: string | null }> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve({ code: child.exitCode, signal: child.signalCode })
    : new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));

describe("npm run emulator", () => {
  it("prints one JSON line, serves node-appwrite with it (speaking `next`), and stops on SIGTERM", async () => {
    const started = await start("npm", [
      "run",
      "emulator",
      "--",
      "--port",
      "0",
      "--project",
      "demo",
      "--api-key",
      "k1",
      "--appwrite",
      "next",
    ]);
    const { endpoint, projectId, apiKey } = started.ready;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect({ projectId, apiKey }).toEqual({ projectId: "demo", apiKey: "k1" });

    const webhooks = new Webhooks(new Client().setEndpoint(endpoint).setProject(projectId).setKey(apiKey));
    const created = await webhooks.create({
      webhookId: "cli-check",
      url: "https://hooks.example.com/cli",
      name: "cli",
      // tablesdb.* exists on Appwrite's main branch only: 1.9.6 would answer 400.
      events: ["users.*", "tablesdb.*"],
    });
    expect(created.secret).toMatch(/^[0-9a-f]{128}$/);
    expect((await webhooks.list()).total).toBe(1);
    await webhooks.delete({ webhookId: "cli-check" });

    process.kill(-(started.child.pid as number), "SIGTERM");
    await started.closed;
    expect(started.stdoutLines()).toHaveLength(1);
    expect(started.stderr()).toContain("SIGTERM, shutting down");
    await expect(request(endpoint + "/webhooks")).rejects.toThrow();
  });

  it.each(["SIGTERM", "SIGINT"] as const)("exits with code 0 on %s", async (signal) => {
    // The built bin, as an installed package runs it: a wrapper such as tsx between the signal
    // and the server relays it late under load and dies of it itself (exit 143).
    const started = await start(process.execPath, [
      join(ROOT, "dist/cli/index.js"),
      "emulator",
      "--port",
      "0",
    ]);
    expect(started.ready.projectId).toBe("demo");
    expect(started.ready.apiKey).toMatch(/^standard_[0-9a-f]{256}$/);
    started.child.kill(signal);
    expect(await exitOf(started.child)).toEqual({ code: 0, signal: null });
  });
});
