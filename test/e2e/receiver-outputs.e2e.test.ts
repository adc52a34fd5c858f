/**
 * examples/receiver/README.md's start command with the real `pulumi`, on a stack of
 * examples/quickstart run with `pulumi up` as a user runs it (with its preview). Before the first
 * rotation the CLI prints the null outputs previousSecret and secretRotatedAt as `null`; the
 * command reads them as JSON, so the receiver holds no previous key and a delivery signed with
 * the key `null` is a plain mismatch. After a rotation, a delivery signed with the old key is
 * accepted as the previous one. Deliveries are the emulator's own, to the receiver the command
 * started. docs/receiving.md's `trigger` commands run here too, against that receiver: one reads
 * the key from the stack's state, one from the variable the command sets from the stack output.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snippet, startDocumentedServer } from "../docs/snippets";
import { replaySignedWith } from "../receiver/emulator-fixture";
import { openStack, REPO_ROOT, type StackFixture } from "../support/engine";
import { API_KEY, PROJECT, startWorld, type World } from "./fixture";

const WEBHOOK_URL = "https://hooks.example.com/appwrite/orders";
const EVENT = "databases.shop.collections.orders.documents.o1.create";

let world: World;
let fixture: StackFixture;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** A command line run by bash in the stack's folder, with the engine's environment. */
function sh(line: string): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", line], {
      cwd: fixture.workDir,
      env: { ...fixture.env, PULUMI_SKIP_CONFIRMATIONS: "true" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function ok(line: string): Promise<string> {
  const ran = await sh(line);
  expect({ line, code: ran.code, stderr: ran.code === 0 ? "" : ran.stderr + ran.stdout }).toEqual({
    line,
    code: 0,
    stderr: "",
  });
  return ran.stdout;
}

/** The README's start command as written, on a free port; resolves once it listens. */
async function startDocumentedReceiver(): Promise<{ origin: string; output: () => string; stop(): void }> {
  const server = await startDocumentedServer(snippet("receiver-start"), {
    cwd: fixture.workDir,
    env: { ...fixture.env, HOST: "127.0.0.1" },
  });
  const origin = `http://127.0.0.1:${server.port}`;
  world.emulator.setHostRoutes({ "hooks.example.com": origin });
  return { origin, output: server.output, stop: server.stop };
}

async function deliver() {
  const records = await world.emulator.emit({ projectId: PROJECT, event: EVENT, payload: { $id: "o1" } });
  const record = records.find((r) => r.url === WEBHOOK_URL);
  expect(record, `no delivery to ${WEBHOOK_URL}`).toBeDefined();
  return record as NonNullable<typeof record>;
}

beforeAll(async () => {
  world = await startWorld();
  fixture = await openStack({
    program: "examples/quickstart",
    // The stack name docs/receiving.md's `trigger --stack dev` names.
    stackName: "dev",
    config: { "appwrite:endpoint": world.emulator.endpoint, "appwrite:projectId": PROJECT },
    secretConfig: { "appwrite:apiKey": API_KEY },
  });
  // The quickstart is a consumer's project (its package.json names the package as a dependency):
  // install this checkout there as npm would link it.
  mkdirSync(join(fixture.workDir, "node_modules"));
  symlinkSync(REPO_ROOT, join(fixture.workDir, "node_modules", "pulumi-appwrite-webhooks"));
  // And its command, as npm links a package's `bin` (npx runs it from node_modules/.bin).
  const command = join(fixture.workDir, "node_modules", ".bin", "pulumi-appwrite-webhooks");
  mkdirSync(join(fixture.workDir, "node_modules", ".bin"));
  writeFileSync(
    command,
    `#!/bin/sh\nexec node ${JSON.stringify(join(REPO_ROOT, "dist/cli/index.js"))} "$@"\n`,
  );
  chmodSync(command, 0o755);
  // The README's command runs examples/receiver/index.ts from the folder it is typed in.
  symlinkSync(join(REPO_ROOT, "examples"), join(fixture.workDir, "examples"));
});

afterAll(async () => {
  // The emulator goes away with the stacks: destroying them first would assert nothing.
  fixture?.discard();
  await world?.close();
});

describe("the receiver README's command with the real pulumi", () => {
  it("before the first rotation: no previous key, so a delivery signed with `null` is a plain mismatch", async () => {
    await ok("pulumi up --yes");
    // What the CLI prints for the null outputs, plain and as JSON.
    expect(await ok("pulumi stack output previousSecret --show-secrets")).toBe("null\n");
    expect(await ok("pulumi stack output secretRotatedAt")).toBe("null\n");
    expect(await ok("pulumi stack output previousSecret --show-secrets --json")).toBe("null\n");

    const receiver = await startDocumentedReceiver();
    try {
      const delivery = await deliver();
      expect(delivery).toMatchObject({ status: 200, success: true });
      expect(await replaySignedWith(delivery, `${receiver.origin}/appwrite/orders`, "null")).toEqual({
        status: 401,
        json: { error: "invalid_signature", reason: "mismatch" },
      });
      await expect.poll(receiver.output).toMatch(/verified webhook=\S+ .*key=current/);
      await expect.poll(receiver.output).toMatch(/rejected 401 invalid_signature \(mismatch\)/);

      // docs/receiving.md's `trigger` commands, to this receiver's port instead of 8080.
      // The key and ID as Appwrite (here the emulator) holds them, without another `pulumi` call.
      const stored = world.emulator.webhooks(PROJECT).find((webhook) => webhook.url === WEBHOOK_URL);
      const { secret, $id: webhookId } = stored ?? { secret: "?", $id: "?" };
      for (const [block, id, event] of [
        [
          snippet("trigger-stack").text,
          "trigger-stack",
          "databases\\.\\w+\\.collections\\.\\w+\\.documents\\.\\w+\\.create \\(document, 42",
        ],
        [snippet("trigger-env").text, "trigger-env", "users\\.\\w+\\.create \\(user, 4"],
      ] as const) {
        expect(block).toContain("http://127.0.0.1:8080");
        const ran = await sh(block.replace("http://127.0.0.1:8080", receiver.origin));
        // stderr is not asserted empty: npx's shell may print the machine's own startup noise there.
        expect({ id, code: ran.code }, ran.stderr).toEqual({ id, code: 0 });
        expect(ran.stderr).not.toContain(secret);
        expect(ran.stdout).toMatch(
          new RegExp(
            `^${event} event names\\) -> https://hooks\\.example\\.com/appwrite/orders\\n200 \\{"received":true\\}\\n$`,
          ),
        );
        expect(ran.stdout).not.toContain(secret);
      }
      // The stack's webhook ID and project reach the receiver, which verified both with the current key.
      await expect
        .poll(receiver.output)
        .toMatch(
          new RegExp(`verified webhook=${webhookId} project=${PROJECT} key=current .*events=databases\\.`),
        );
      await expect
        .poll(receiver.output)
        .toMatch(/verified webhook=\w+ project=test-project key=current .*events=users\./);
      expect(receiver.output()).not.toContain(secret);
    } finally {
      receiver.stop();
    }
  });

  it("after a rotation: the old key is accepted as the previous one", async () => {
    const before = JSON.parse(await ok("pulumi stack output --json --show-secrets")) as { secret: string };
    const old = await deliver();
    await ok("pulumi config set ordersRotation 2");
    await ok("pulumi up --yes");
    expect(JSON.parse(await ok("pulumi stack output previousSecret --show-secrets --json"))).toBe(
      before.secret,
    );

    const receiver = await startDocumentedReceiver();
    try {
      expect(await deliver()).toMatchObject({ status: 200, success: true });
      expect(await replaySignedWith(old, `${receiver.origin}/appwrite/orders`, before.secret)).toEqual({
        status: 200,
        json: { received: true },
      });
      await expect.poll(receiver.output).toMatch(/key=current[\s\S]*key=previous/);
      expect(receiver.output()).not.toContain(before.secret);
    } finally {
      receiver.stop();
    }
  });
});
