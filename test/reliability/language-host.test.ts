/**
 * A `kill -9` of `pulumi` alone (a CI runner's timeout, an OOM kill of the CLI) must not leave
 * the Node language host behind. The engine starts it in a process group of its own, so the
 * kill does not reach it; before, it lived on under PID 1 until its health check, every 5
 * minutes, found the engine gone. It now ends, with the program it runs, once its parent is gone.
 */
import { spawn } from "node:child_process";
import { readFileSync, readlinkSync } from "node:fs";
import { basename } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStack, provisionEngine, type StackFixture } from "../support/engine";
import { descendants, sleep } from "./support";

let fixture: StackFixture | undefined;
const leftovers: number[] = [];
afterAll(() => {
  // Whatever outlived the test (the host this test is about, if it failed), by PID.
  for (const pid of leftovers.filter(isAlive)) process.kill(pid, "SIGKILL");
  // Nothing was created: the stack is only thrown away.
  fixture?.discard();
});

function isAlive(pid: number): boolean {
  try {
    // A zombie still answers signal 0; its state letter says it is dead.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const executable = (pid: number): string => {
  try {
    return basename(readlinkSync(`/proc/${pid}/exe`));
  } catch {
    return "";
  }
};

describe("the Node language host after `kill -9 pulumi`", () => {
  it("exits within 5 s, and the program it ran with it", async () => {
    const bin = await provisionEngine();
    fixture = await openStack({ program: "test/e2e/programs/linger" });
    // With its preview, as users run it: the program runs (and waits) in the preview already.
    const up = spawn(`${bin}/pulumi`, ["up", "--yes", "--non-interactive"], {
      cwd: fixture.workDir,
      env: { ...process.env, ...fixture.env },
      stdio: "ignore",
    });
    const exited = new Promise<void>((resolve) => up.on("close", () => resolve()));
    let host: number | undefined;
    let program: number | undefined;
    for (let waited = 0; program === undefined && waited < 60_000; waited += 100) {
      await sleep(100);
      host = descendants(up.pid ?? 0).find((pid) => executable(pid) === "pulumi-language-nodejs");
      program = host === undefined ? undefined : descendants(host)[0];
    }
    expect(program, "the program never started").toBeDefined();
    leftovers.push(host as number, ...descendants(host as number));
    up.kill("SIGKILL");
    await exited;
    for (let waited = 0; leftovers.some(isAlive) && waited < 5_000; waited += 100) await sleep(100);
    expect(leftovers.filter(isAlive), "language host and program still alive 5 s after the kill").toEqual([]);
  });
});
