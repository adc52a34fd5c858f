/**
 * The policy pack on the real engine, as docs/policy.md runs it: `pulumi preview --policy-pack
 * node_modules/pulumi-appwrite-webhooks/policy-pack` over a program holding, on each door, a webhook
 * the pack accepts and one it refuses, and a set of each door with one entry of each kind
 * (test/e2e/programs/policy). Two previews in all, one stack:
 * - with the pack's defaults, the mandatory violations fail the preview and the advisory ones
 *   are listed, each naming its rule, resource and field, on both doors and in a set's entry;
 * - with the page's `--policy-pack-config` file, the relaxed rules change as it says (an http
 *   host excepted, a level lowered, two broad events allowed) and the preview passes with
 *   warnings only.
 * Previews create nothing: neither run sends Appwrite a write.
 */
import { execFile } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, openStack, provisionEngine, type StackFixture } from "../support/engine";
import { requestsDuring } from "../support/outside-pulumi";
import { commandLines, snippet, type Snippet } from "../docs/snippets";
import { API_KEY, PROJECT, startWorld, type World } from "./fixture";

const run = promisify(execFile);

/** The compliant webhooks' basic-auth password: the pack sees it, and must never print it. */
const RECEIVER_PASSWORD = "receiver-password-1";

let world: World;
let fixture: StackFixture;

beforeAll(async () => {
  await provisionEngine();
  world = await startWorld();
  const connection = { endpoint: world.emulator.endpoint, projectId: PROJECT };
  fixture = await openStack({
    program: "test/e2e/programs/policy",
    stackName: "policy",
    config: Object.fromEntries(
      ["appwrite", "appwrite-webhooks"].flatMap((ns) =>
        Object.entries(connection).map(([key, value]) => [`${ns}:${key}`, value]),
      ),
    ),
    secretConfig: {
      "appwrite:apiKey": API_KEY,
      "appwrite-webhooks:apiKey": API_KEY,
      receiverPassword: RECEIVER_PASSWORD,
    },
  });
  // Where npm puts the package in a project that installs it, so the page's path is the path.
  mkdirSync(join(fixture.workDir, "node_modules"));
  symlinkSync(REPO_ROOT, join(fixture.workDir, "node_modules", "pulumi-appwrite-webhooks"));
}, 120_000);

afterAll(async () => {
  // The previews created nothing: there is nothing to destroy.
  fixture?.discard();
  await world?.close();
});

/** A documented `pulumi …` command, run as written in the stack's working copy; it may fail. */
async function pulumiCommand(block: Snippet): Promise<{ failed: boolean; output: string }> {
  const [line, ...more] = commandLines(block.text);
  expect(more).toEqual([]);
  const [command, ...args] = (line ?? "").split(" ");
  expect(command).toBe("pulumi");
  const workspace = fixture.stack.workspace;
  const env = { ...process.env, ...workspace.envVars, PULUMI_HOME: workspace.pulumiHome ?? "" };
  try {
    const { stdout, stderr } = await run(workspace.pulumiCommand.command, [...args, "--stack", "policy"], {
      cwd: fixture.workDir,
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { failed: false, output: stdout + stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { failed: true, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

interface Violation {
  level: string;
  rule: string;
  type: string;
  resource: string;
  /** The violation's message: its last line. */
  message: string;
}

/** The violations of the preview's "Policies:" section, as the engine prints them. */
function violations(output: string): Violation[] {
  const lines = output.split("\n");
  const found: Violation[] = [];
  lines.forEach((line, index) => {
    const head = /^\s*- \[(\w+)\]\s+(\S+)\s+\((\S+): ([^)]+)\)$/.exec(line);
    if (!head) return;
    const body: string[] = [];
    for (const next of lines.slice(index + 1)) {
      if (next.trim() === "" || /^\s*- \[/.test(next)) break;
      body.push(next.trim());
    }
    const [, level = "", rule = "", type = "", resource = ""] = head;
    found.push({ level, rule, type, resource, message: body.at(-1) ?? "" });
  });
  return found;
}

/** A violation as "<level> <rule> <type> <what the message names>", for comparison as a set. */
const summary = (v: Violation) =>
  `${v.level} ${v.rule} ${v.type} ${v.message.slice(0, v.message.indexOf(":"))}`;

const DYNAMIC = "pulumi-nodejs:dynamic/appwrite:Webhook";
const NATIVE = "appwrite-webhooks:index:Webhook";
const DYNAMIC_SET = "pulumi-nodejs:dynamic/appwrite:WebhookSet";
const NATIVE_SET = "appwrite-webhooks:index:WebhookSet";

/** Writes to Appwrite's API during `step`: a preview must make none. */
async function writesDuring(step: () => Promise<unknown>): Promise<string[]> {
  const requests = await requestsDuring(world.emulator, step, (r) => `${r.method} ${r.routeKey}`);
  return requests.filter((request) => !request.startsWith("GET "));
}

describe("the policy pack on pulumi preview", () => {
  it("with its defaults: the mandatory violations fail the preview and the advisory ones warn, each naming rule, resource and field, on both doors and a set's entry", async () => {
    let result = { failed: false, output: "" };
    const writes = await writesDuring(async () => (result = await pulumiCommand(snippet("policy-preview"))));
    expect(writes).toEqual([]);
    expect(result.failed, result.output).toBe(true);
    expect(result.output).not.toContain(RECEIVER_PASSWORD);
    const found = violations(result.output);
    // Each message names the resource and the field it is about.
    for (const v of found) expect(v.message.startsWith(`${v.resource} `), v.message).toBe(true);
    expect(found.map(summary).sort()).toEqual(
      [
        `mandatory appwrite-webhook-https ${DYNAMIC} staging url`,
        `mandatory appwrite-webhook-https ${NATIVE} staging-native url`,
        `mandatory appwrite-webhook-event-scope ${DYNAMIC} staging events[0]`,
        `mandatory appwrite-webhook-event-scope ${NATIVE} staging-native events[0]`,
        `mandatory appwrite-webhook-event-scope ${DYNAMIC_SET} hooks webhooks.catalog.events[0]`,
        `mandatory appwrite-webhook-event-scope ${NATIVE_SET} hooks-native webhooks.catalog.events[0]`,
        `mandatory appwrite-webhook-tls ${DYNAMIC_SET} hooks webhooks.catalog.tls`,
        `mandatory appwrite-webhook-tls ${NATIVE_SET} hooks-native webhooks.catalog.tls`,
        `advisory appwrite-webhook-basic-auth ${DYNAMIC} staging authUsername`,
        `advisory appwrite-webhook-basic-auth ${NATIVE} staging-native authUsername`,
        `advisory appwrite-webhook-basic-auth ${DYNAMIC_SET} hooks webhooks.catalog.authUsername`,
        `advisory appwrite-webhook-basic-auth ${NATIVE_SET} hooks-native webhooks.catalog.authUsername`,
      ].sort(),
    );
    // The preview failed for the policies alone: the program and the providers had no error.
    expect(result.output).toMatch(/❌ appwrite-webhooks@v0\.1\.0/);
    expect(new Set(result.output.match(/error: .*/g))).toEqual(new Set(["error: preview failed"]));
    // What docs/policy.md shows of the output is what the engine printed, line for line.
    const printed = new Set(result.output.split("\n").map((line) => line.trim()));
    const shown = commandLines(snippet("policy-preview-output").text);
    expect(shown.filter((line) => !printed.has(line))).toEqual([]);
  }, 180_000);

  it("with the page's --policy-pack-config: an http host excepted, tls lowered to advisory, broad events allowed; the preview passes with warnings", async () => {
    writeFileSync(join(fixture.workDir, "policy-config.json"), snippet("policy-config").text);
    let result = { failed: true, output: "" };
    const writes = await writesDuring(
      async () => (result = await pulumiCommand(snippet("policy-preview-config"))),
    );
    expect(writes).toEqual([]);
    expect(result.failed, result.output).toBe(false);
    expect(result.output).not.toContain(RECEIVER_PASSWORD);
    expect(violations(result.output).map(summary).sort()).toEqual(
      [
        `advisory appwrite-webhook-tls ${DYNAMIC_SET} hooks webhooks.catalog.tls`,
        `advisory appwrite-webhook-tls ${NATIVE_SET} hooks-native webhooks.catalog.tls`,
        `advisory appwrite-webhook-basic-auth ${DYNAMIC} staging authUsername`,
        `advisory appwrite-webhook-basic-auth ${NATIVE} staging-native authUsername`,
        `advisory appwrite-webhook-basic-auth ${DYNAMIC_SET} hooks webhooks.catalog.authUsername`,
        `advisory appwrite-webhook-basic-auth ${NATIVE_SET} hooks-native webhooks.catalog.authUsername`,
      ].sort(),
    );
  }, 180_000);
});
