/**
 * The new user's walk, on the real engine: `npm pack`, a brand-new project from
 * examples/quickstart with the tarball installed, the emulator started with `npx` from that
 * project, then the README's quick start as written (its blocks are read from the README and run
 * line by line, with the port the emulator printed): up, a no-change preview that makes no
 * request, a rotation through config verified by the outputs, and destroy. Also docs/gitops.md's
 * `npx pulumi-appwrite-webhooks validate webhooks.yaml` on examples/gitops's file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installConsumer } from "../docs/consumer";
import { commandLines, snippet } from "../docs/snippets";
import { REPO_ROOT, engineEnv, provisionEngine } from "../support/engine";

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

let consumer = "";
let backendDir = "";
let env: Record<string, string> = {};
let emulator: ChildProcess | undefined;
let origin = "";
let port = "";

/** One command line of a README block, run by bash in the consumer project as a user would type it. */
function sh(line: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", line], { cwd: consumer, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs each command of a block in order; every one must succeed. */
async function runBlock(lines: string[]): Promise<Ran[]> {
  const results: Ran[] = [];
  for (const line of lines) {
    const ran = await sh(line.replaceAll("PORT", port));
    expect({ line, code: ran.code, stderr: ran.code === 0 ? "" : ran.stderr + ran.stdout }).toEqual({
      line,
      code: 0,
      stderr: "",
    });
    results.push(ran);
  }
  return results;
}

async function control<T>(method: "GET" | "POST", path: string): Promise<T> {
  const response = await request(`${origin}/_emulator/${path}`, { method });
  const text = await response.body.text();
  expect(response.statusCode, text).toBeLessThan(300);
  return (text ? JSON.parse(text) : {}) as T;
}

type LiveWebhook = { $id: string; secret: string; url: string };
const liveWebhooks = async () =>
  (await control<{ webhooks: LiveWebhook[] }>("GET", "webhooks?projectId=demo")).webhooks;

async function outputs(): Promise<Record<string, string>> {
  const ran = await sh("pulumi stack output --json --show-secrets");
  expect(ran.code, ran.stderr).toBe(0);
  return JSON.parse(ran.stdout) as Record<string, string>;
}

beforeAll(async () => {
  const bin = await provisionEngine();
  ({ dir: consumer } = await installConsumer("newcomer"));
  backendDir = mkdtempSync(join(tmpdir(), "pulumi-backend-newcomer-"));
  // `pulumi up` and `destroy` as typed in the README: no TTY, so confirmations are skipped by env.
  env = engineEnv(bin, backendDir, { PULUMI_SKIP_CONFIRMATIONS: "true" });
}, 300_000);

afterAll(() => {
  if (emulator?.pid) process.kill(-emulator.pid, "SIGTERM");
  if (consumer) rmSync(consumer, { recursive: true, force: true });
  if (backendDir) rmSync(backendDir, { recursive: true, force: true });
});

describe("a new user's first stack, from the packed package", () => {
  it("installs and starts the emulator with npx, which prints the documented JSON line", async () => {
    const block = commandLines(snippet("quickstart-emulator").text);
    const [install, start] = block;
    expect(block).toHaveLength(2);
    await runBlock([install ?? ""]);
    expect(start).toMatch(/^npx pulumi-appwrite-webhooks emulator /);
    emulator = spawn("bash", ["-c", `exec ${start ?? ""}`], { cwd: consumer, env, detached: true });
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      let err = "";
      emulator?.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0] ?? "");
      });
      emulator?.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
      emulator?.once("exit", (code) => reject(new Error(`emulator exited (${code}): ${err}`)));
    });
    // The README prints the line with PORT for the port: the same JSON but for the number.
    const documented = snippet("quickstart-emulator")
      .text.split("\n")
      .find((l) => l.startsWith("# {"))
      ?.slice(2);
    const printed = JSON.parse(line) as { endpoint: string };
    port = new URL(printed.endpoint).port;
    expect(line).toBe(documented?.replace("PORT", port));
    origin = new URL(printed.endpoint).origin;
  }, 120_000);

  it("`pulumi up` as the quick start writes it creates the webhook, its key known to the outputs", async () => {
    expect(port).not.toBe("");
    await runBlock(commandLines(snippet("quickstart-up").text));
    const [live] = await liveWebhooks();
    const out = await outputs();
    expect(out.webhookId).toBe(live?.$id);
    expect(out.secret).toBe(live?.secret);
    expect(live?.url).toBe("https://hooks.example.com/appwrite/orders");
  }, 120_000);

  it("a preview with no change reports no change and makes 0 API requests", async () => {
    await control("POST", "counters/reset");
    const ran = await sh("pulumi preview --expect-no-changes");
    expect(ran.code, ran.stderr + ran.stdout).toBe(0);
    const { counters } = await control<{ counters: { total: number } }>("GET", "counters");
    expect(counters.total).toBe(0);
  }, 120_000);

  it("the rotation through config sets a new key in place; destroy removes the webhook", async () => {
    const before = await outputs();
    const [setTrigger, up, show, destroy, ...rest] = commandLines(snippet("quickstart-rotate").text);
    expect(rest).toEqual([]);
    expect(setTrigger).toMatch(/^pulumi config set ordersRotation /);
    const [, , shown] = await runBlock([setTrigger ?? "", up ?? "", show ?? ""]);
    const [live, ...others] = await liveWebhooks();
    expect(others).toEqual([]);
    const after = await outputs();
    expect(live?.$id).toBe(before.webhookId);
    expect(after.secret).not.toBe(before.secret);
    expect(shown?.stdout.trim()).toBe(live?.secret);
    expect(after.secret).toBe(live?.secret);
    expect(after.previousSecret).toBe(before.secret);
    expect(Date.parse(after.secretRotatedAt ?? "")).toBeGreaterThan(Date.now() - 5 * 60_000);

    await runBlock([destroy ?? ""]);
    expect(await liveWebhooks()).toEqual([]);
  }, 180_000);

  it("`npx pulumi-appwrite-webhooks validate` passes examples/gitops's file and names a bad one's error", async () => {
    copyFileSync(join(REPO_ROOT, "examples", "gitops", "webhooks.yaml"), join(consumer, "webhooks.yaml"));
    const good = await sh("npx pulumi-appwrite-webhooks validate webhooks.yaml");
    expect(good.code, good.stderr).toBe(0);
    writeFileSync(
      join(consumer, "bad.yaml"),
      "version: 1\nwebhooks:\n  - id: x\n    name: X\n    events: [users.*]\n",
    );
    const bad = await sh("npx pulumi-appwrite-webhooks validate bad.yaml");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr + bad.stdout).toMatch(/url/);
  }, 60_000);
});
