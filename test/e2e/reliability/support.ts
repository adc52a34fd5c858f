/**
 * Shared pieces of the reliability suite: engine runs that capture their output and the
 * provider's retry lines, Pulumi state read back from the engine, and the one convergence
 * check every scenario ends with (exactly the declared webhooks, no duplicate, state equal to
 * the server, every key in state verifying a real delivery).
 */
import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { expect } from "vitest";
import type { StackFixture } from "../../support/engine";
import { PROJECT, signature, type World } from "../fixture";

export const WEBHOOK_TYPE = "pulumi-nodejs:dynamic/appwrite:Webhook";
/** Both doors' webhook types: the dynamic `Webhook` and the plugin's `NativeWebhook`. */
export const WEBHOOK_TYPES = [WEBHOOK_TYPE, "appwrite-webhooks:index:Webhook"];

/** What one engine command did: its whole output, the provider's retry lines, and its error. */
export interface EngineRun {
  output: string;
  /** "retrying <operation> after …" lines the provider logged, one per retry. */
  retries: string[];
  /** Diagnostics of severity error, as the engine printed them. */
  errors: string[];
  /** The same errors with the URN of the resource each one is about ("" for the update's own). */
  errorsByUrn: Array<{ urn: string; message: string }>;
  error?: Error;
  ms: number;
}

type Command = "up" | "refresh" | "destroy" | "preview";

/**
 * Runs a command and never throws: a failed command is an outcome the caller asserts on. The
 * retry lines are counted from engine events (one diagnostic per line the provider wrote to
 * stderr), not from the rendered output, which repeats each line in the progress view.
 */
export async function engine(
  stack: Stack,
  command: Command,
  options: Record<string, unknown> = {},
): Promise<EngineRun> {
  let output = "";
  const retries: string[] = [];
  const errors: string[] = [];
  const errorsByUrn: EngineRun["errorsByUrn"] = [];
  const onEvent = (event: EngineEvent) => {
    const diagnostic = event.diagnosticEvent;
    if (!diagnostic) return;
    for (const line of diagnostic.message.split("\n")) {
      if (/pulumi-appwrite-webhooks: retrying /.test(line)) retries.push(line.trim());
    }
    if (diagnostic.severity !== "error") return;
    errors.push(diagnostic.message);
    errorsByUrn.push({ urn: diagnostic.urn ?? "", message: diagnostic.message });
  };
  const all = { onOutput: (text: string) => (output += text), onEvent, ...options };
  const started = Date.now();
  try {
    if (command === "up") await stack.up(all);
    else if (command === "refresh") await stack.refresh(all);
    else if (command === "destroy") await stack.destroy(all);
    else await stack.preview(all);
    return { output, retries, errors, errorsByUrn, ms: Date.now() - started };
  } catch (error) {
    return { output, retries, errors, errorsByUrn, error: error as Error, ms: Date.now() - started };
  }
}

/** Throws with the engine's output when the command failed. */
export function succeeded(run: EngineRun): EngineRun {
  if (run.error) throw new Error(`engine command failed:\n${run.errors.join("\n")}\n${String(run.error)}`);
  return run;
}

/** Retry lines of one operation, e.g. `update webhook <id>` or `list webhooks`. */
export function retriesOf(run: EngineRun, operation: string): number {
  return run.retries.filter((line) => line.includes(`retrying ${operation} after`)).length;
}

export interface WebhookStateEntry {
  /** The Pulumi resource name (last URN segment). */
  name: string;
  urn: string;
  id: string;
  outputs: Record<string, unknown>;
}

/**
 * Webhook resources in Pulumi state (exportStack decrypts, so secrets are plain here: test-only),
 * or the resources of `types` (set-support.ts reads the sets).
 */
export async function webhookStates(stack: Stack, types = WEBHOOK_TYPES): Promise<WebhookStateEntry[]> {
  const deployment = (await stack.exportStack()).deployment as {
    resources?: Array<{ urn: string; type: string; id?: string; outputs?: Record<string, unknown> }>;
  };
  return (deployment.resources ?? [])
    .filter((resource) => types.includes(resource.type))
    .map((resource) => ({
      name: resource.urn.split("::").pop() ?? "",
      urn: resource.urn,
      id: resource.id ?? "",
      outputs: plain(resource.outputs ?? {}) as Record<string, unknown>,
    }));
}

/** The signature key Pulumi uses to mark a secret value in a deployment. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Replaces `{ <sig>: …, plaintext: "<json>" }` (exportStack's secrets) with the plain values. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (SECRET_SIG in record && typeof record.plaintext === "string") return JSON.parse(record.plaintext);
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, plain(inner)]));
}

/** A webhook as a stack of the test program declares it (see test/e2e/programs/webhooks). */
export interface Declared {
  name: string;
  url: string;
  events: string[];
  [key: string]: unknown;
}

/**
 * The invariant of the suite: the project holds exactly the declared webhooks, each once; Pulumi
 * state names the same webhooks with the same fields and the key the server signs with; and an
 * event emitted now reaches the local receiver signed so that the state's key verifies it
 * (HMAC-SHA1, base64, over the decoded URL and the raw body, computed here with node:crypto).
 * `fixtures` are the stacks that together own the webhooks of `projects` (one or several).
 */
export async function assertConverged(
  world: World,
  fixtures: Array<{ stack: Stack; declared: Record<string, Declared> }>,
  projects: string | readonly string[] = PROJECT,
): Promise<void> {
  const live = [projects].flat().flatMap((project) => world.emulator.webhooks(project));
  const states = (await Promise.all(fixtures.map(({ stack }) => webhookStates(stack)))).flat();
  const declared = fixtures.flatMap(({ declared: byName }) => Object.values(byName));

  expect(live.length, "webhooks on the server vs declared").toBe(declared.length);
  expect(states.length, "webhooks in state vs declared").toBe(declared.length);
  // No duplicate: each declared webhook (a unique URL in these tests) exists once.
  expect(new Set(live.map((w) => w.url)).size, "duplicate webhooks on the server").toBe(live.length);
  expect(new Set(states.map((s) => s.id)).size, "two resources share an ID").toBe(states.length);
  expect(new Set(live.map((w) => w.$id))).toEqual(new Set(states.map((s) => s.id)));
  for (const spec of declared) {
    const webhook = live.find((w) => w.url === spec.url);
    expect(webhook, `declared ${spec.url} is missing`).toBeDefined();
    expect(webhook?.name).toBe(spec.name);
  }
  for (const state of states) {
    const webhook = live.find((w) => w.$id === state.id);
    expect(state.outputs, `state of ${state.name}`).toMatchObject({
      webhookId: state.id,
      name: webhook?.name,
      url: webhook?.url,
      enabled: webhook?.enabled,
      secret: webhook?.secret,
    });
    expect(new Set(state.outputs.events as string[])).toEqual(new Set(webhook?.events));
  }
  await assertDeliveriesVerify(world, states, projects);
}

/**
 * Emits one event (in each project) every declared webhook subscribes to and verifies each
 * delivery with the state's key.
 */
export async function assertDeliveriesVerify(
  world: World,
  states: WebhookStateEntry[],
  projects: string | readonly string[] = PROJECT,
): Promise<void> {
  const enabled = states.filter((state) => state.outputs.enabled !== false);
  if (enabled.length === 0) return;
  const before = world.receiver.received.length;
  for (const project of [projects].flat()) {
    await world.emulator.emit({ projectId: project, event: "users.u1.create", payload: { $id: "u1" } });
  }
  const received = world.receiver.received.slice(before);
  for (const state of enabled) {
    const url = String(state.outputs.url);
    const path = new URL(url).pathname;
    const delivery = received.find((d) => d.path === path);
    expect(delivery, `no delivery for ${state.name} (${path})`).toBeDefined();
    const header = delivery?.headers["x-appwrite-webhook-signature"];
    expect(header, `signature of ${state.name} verifies with the key in state`).toBe(
      signature(url, delivery?.body ?? "", String(state.outputs.secret)),
    );
  }
}

/** The stack's checkpoint as stored by the file backend (secrets encrypted). */
export function checkpointOf(fixture: Pick<StackFixture, "backendDir">): {
  resources?: Array<{ urn: string; id?: string; type: string }>;
  pending_operations?: Array<{ type: string; resource: { urn: string; inputs: Record<string, unknown> } }>;
} {
  const root = `${fixture.backendDir}/.pulumi/stacks`;
  const [project] = readdirSync(root);
  const [file] = readdirSync(`${root}/${project}`).filter((name) => name.endsWith(".json"));
  const parsed = JSON.parse(readFileSync(`${root}/${project}/${file}`, "utf8")) as {
    checkpoint: { latest?: ReturnType<typeof checkpointOf> };
  };
  return parsed.checkpoint.latest ?? {};
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface CliRun {
  pid: number;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** Starts the pinned `pulumi` CLI in the stack's working copy with the stack's environment. */
export function startCli(
  bin: string,
  fixture: Pick<StackFixture, "workDir" | "env">,
  args: string[],
): CliRun {
  const child = spawn(join(bin, "pulumi"), [...args, "--non-interactive"], {
    cwd: fixture.workDir,
    env: { ...process.env, ...fixture.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { pid: child.pid ?? 0, done };
}

export function cli(bin: string, fixture: Pick<StackFixture, "workDir" | "env">, args: string[]) {
  return startCli(bin, fixture, args).done;
}

/**
 * Every live descendant of `root` (Linux /proc). The engine starts its plugins (language host,
 * dynamic provider) in their own process groups, so killing the CLI's group would miss them.
 */
export function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (which may hold spaces) start after the last ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // The process ended while we looked.
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [pid, ppid] of parents) {
      if (ppid === parent) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}
