/**
 * Shared set-up for the end-to-end suites: one emulator and one local receiver per file, and
 * stacks of the `webhooks` test program whose webhooks are declared through stack config.
 */
import { createHmac } from "node:crypto";
import type { Stack } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator } from "../../emulator";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { openStack, provisionEngine, type StackFixture } from "../support/engine";
import { startReceiver, type Receiver } from "../provider/fixtures";

export const PROJECT = "e2e";
export const API_KEY = "standard_e2e-api-key-9f3c2b7a1d";
export const RECEIVER_HOST = "hooks.example.com";

export interface World {
  emulator: Emulator;
  receiver: Receiver;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const emulator = await startEmulator({
    projects: [{ id: PROJECT, keys: [{ key: API_KEY }] }],
    deliveryTimeoutMs: 2000,
  });
  const receiver = await startReceiver();
  emulator.setHostRoutes({ [RECEIVER_HOST]: receiver.origin });
  return {
    emulator,
    receiver,
    async close() {
      await emulator.close();
      await receiver.close();
    },
  };
}

export type WebhookSpec = Record<string, unknown>;

/**
 * A stack of the test program, pointed at the emulator through stack config in both doors'
 * namespaces: `appwrite:*` for the dynamic `Webhook`, `appwrite-webhooks:*` for the plugin.
 */
export async function webhookStack(
  world: World,
  webhooks: Record<string, WebhookSpec>,
  secrets: Record<string, { secret?: string; authPassword?: string }> = {},
  env: Record<string, string> = {},
  stackName?: string,
): Promise<StackFixture> {
  const fixture = await openStack({
    program: "test/e2e/programs/webhooks",
    stackName,
    config: {
      "appwrite:endpoint": world.emulator.endpoint,
      "appwrite:projectId": PROJECT,
      "appwrite-webhooks:endpoint": world.emulator.endpoint,
      "appwrite-webhooks:projectId": PROJECT,
      "e2e:webhooks": JSON.stringify(webhooks),
    },
    secretConfig: {
      "appwrite:apiKey": API_KEY,
      "appwrite-webhooks:apiKey": API_KEY,
      "e2e:secrets": JSON.stringify(secrets),
    },
    env,
  });
  return fixture;
}

export async function declare(stack: Stack, webhooks: Record<string, WebhookSpec>): Promise<void> {
  await stack.setConfig("e2e:webhooks", { value: JSON.stringify(webhooks) });
}

export const quiet = { onOutput: () => undefined };

export function url(path: string): string {
  return `https://${RECEIVER_HOST}${path}`;
}

/** Outputs as plain values (the Automation API reads them with --show-secrets) and their secret flags. */
export async function outputs(stack: Stack): Promise<Record<string, { value: unknown; secret: boolean }>> {
  return (await stack.outputs()) as Record<string, { value: unknown; secret: boolean }>;
}

/** Appwrite 1.9.6's signature, computed here independently of the package's code. */
export function signature(webhookUrl: string, body: string, secret: string): string {
  return createHmac("sha1", secret).update(decodeURIComponent(webhookUrl)).update(body).digest("base64");
}

/** Emits an event and returns the delivery the receiver got for `webhookUrl`. */
export async function deliver(world: World, event: string, webhookUrl: string) {
  const before = world.receiver.received.length;
  await world.emulator.emit({ projectId: PROJECT, event, payload: { $id: "u1", email: "ada@example.com" } });
  const path = new URL(webhookUrl).pathname;
  const delivery = world.receiver.received.slice(before).find((d) => d.path.startsWith(path));
  if (!delivery) throw new Error(`no delivery for ${webhookUrl}`);
  return delivery;
}

export interface Suite {
  /** Set before the first test. */
  world: World;
  /** A stack of the test program, destroyed after the test that opened it. */
  stackWith(
    webhooks: Record<string, WebhookSpec>,
    secrets?: Record<string, { secret?: string; authPassword?: string }>,
    env?: Record<string, string>,
  ): Promise<StackFixture>;
  /** A resource's outputs as Pulumi state holds them (exportStack decrypts: test-only). */
  stateOf(fixture: StackFixture, resourceName: string): Promise<Record<string, unknown>>;
}

/**
 * One world per test file, and stacks per test: each test starts from an empty project, since
 * what the last one left is destroyed after it. Call once at the top of a test file.
 */
export function useWorld(): Suite {
  const stacks: StackFixture[] = [];
  const suite: Suite = {
    world: undefined as unknown as World,
    async stackWith(webhooks, secrets, env) {
      const fixture = await webhookStack(suite.world, webhooks, secrets, env);
      stacks.push(fixture);
      return fixture;
    },
    async stateOf(fixture, resourceName) {
      const deployment = (await fixture.stack.exportStack()).deployment as {
        resources: Array<{ urn: string; outputs?: Record<string, unknown> }>;
      };
      const resource = deployment.resources.find((r) => r.urn.endsWith(`::${resourceName}`));
      if (!resource?.outputs) throw new Error(`no state for ${resourceName}`);
      return resource.outputs;
    },
  };
  beforeAll(async () => {
    await provisionEngine();
    suite.world = await startWorld();
  });
  afterEach(async () => {
    for (const fixture of stacks.splice(0)) await fixture.dispose();
    expect(suite.world.emulator.webhooks(PROJECT)).toEqual([]);
  });
  afterAll(async () => {
    await suite.world?.close();
  });
  return suite;
}
