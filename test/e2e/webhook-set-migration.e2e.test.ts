/**
 * The move from one resource per webhook to a WebhookSet, as docs/webhook-set.md writes it: its
 * commands run one by one on examples/gitops with 20 webhooks, and afterwards the same 20
 * webhooks serve (0 deleted, 0 recreated: same IDs, same creation times), the stack holds one
 * set, and every key in its state is the key in force, where `trigger --stack` finds it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type RequestRecord } from "../../emulator";
import { commandLines, snippet } from "../docs/snippets";
import { webhookFromExport } from "../../provider/gitops/stack-webhook";
import { openStack, provisionEngine, type StackFixture } from "../support/engine";
import { requestsDuring } from "../support/outside-pulumi";
import { startReceiver, type Receiver } from "../provider/fixtures";
import { cli } from "./reliability/support";
import { quiet, signature } from "./fixture";

const KEY = "standard_migration-key-20";
const PROJECT = "shop-dev";
const N = 20;

let emulator: Emulator;
let receiver: Receiver;
let fixture: StackFixture | undefined;

beforeAll(async () => {
  await provisionEngine();
  emulator = await startEmulator({
    projects: [{ id: PROJECT, keys: [{ key: KEY }] }],
    deliveryTimeoutMs: 2000,
  });
  receiver = await startReceiver();
  emulator.setHostRoutes({ "dev.hooks.example.com": receiver.origin });
});
afterAll(async () => {
  await fixture?.dispose();
  expect(emulator.webhooks(PROJECT)).toEqual([]);
  await emulator.close();
  await receiver.close();
});

/** A declaration file of N webhooks, one with basic auth and one with a rotation trigger, as examples/gitops's. */
function declaration(): string {
  const lines = ["version: 1", "variables:", "  env: dev", "webhooks:"];
  for (let i = 0; i < N; i++) {
    lines.push(
      `  - id: hook-${i}`,
      `    name: Hook ${i} (\${env})`,
      `    url: https://\${env}.hooks.example.com/appwrite/${i}`,
      "    events: [users.*.create]",
    );
    if (i === 0) lines.push('    secret: { generate: true, rotationTrigger: "1" }');
    if (i === 1) lines.push("    auth: { username: appwrite, passwordConfig: receiverPassword }");
  }
  return `${lines.join("\n")}\n`;
}

const live = () =>
  emulator
    .webhooks(PROJECT)
    .map((w) => ({ id: w.$id, createdAt: w.$createdAt, secret: w.secret }))
    .sort((a, b) => a.id.localeCompare(b.id));
const described = (request: RequestRecord) => `${request.method} ${request.status}`;
/** A secret output as `pulumi stack export` writes it: its value as JSON text in `plaintext`. */
const revealed = <T>(value: unknown): T =>
  typeof value === "object" && value !== null && "plaintext" in value
    ? (JSON.parse(String((value as { plaintext: string }).plaintext)) as T)
    : (value as T);

describe("moving examples/gitops from one Webhook per entry to a WebhookSet, by the documented commands", () => {
  it("keeps all 20 webhooks: none deleted, none recreated, and the set's keys are the keys in force", async () => {
    fixture = await openStack({
      program: "examples/gitops",
      stackName: "dev",
      config: { "appwrite:endpoint": emulator.endpoint },
      secretConfig: { "appwrite:apiKey": KEY, "gitops-webhooks:receiverPassword": "pw-dev" },
      // `pulumi up` as the page writes it: no TTY here, so confirmations are skipped by env.
      env: { PULUMI_SKIP_CONFIRMATIONS: "true" },
    });
    writeFileSync(join(fixture.workDir, "webhooks.yaml"), declaration());
    await fixture.stack.up(quiet);
    const before = live();
    expect(before).toHaveLength(N);

    const bin = await provisionEngine();
    const steps = commandLines(snippet("webhook-set-migration").text);
    expect(steps).toHaveLength(5);
    const requests: string[][] = [];
    for (const line of steps) {
      const [command, ...args] = line.split(" ");
      expect(command).toBe("pulumi");
      requests.push(
        await requestsDuring(
          emulator,
          async () => {
            const ran = await cli(bin, fixture as StackFixture, args);
            expect(ran.code, `${line}\n${ran.stdout}\n${ran.stderr}`).toBe(0);
          },
          described,
        ),
      );
    }
    // Step 1's `up` records retainOnDelete alone: no request.
    expect(requests[1]).toEqual([]);
    // Step 2's `up`: each entry meets its webhook (409) and takes it over; nothing is created or deleted.
    const moved = requests[3] ?? [];
    expect(moved.filter((r) => r === "POST 201")).toEqual([]);
    expect(moved.filter((r) => r.startsWith("DELETE"))).toEqual([]);
    expect(moved.filter((r) => r === "POST 409")).toHaveLength(N);

    const after = live();
    expect(after.map(({ id, createdAt }) => ({ id, createdAt }))).toEqual(
      before.map(({ id, createdAt }) => ({ id, createdAt })),
    );
    const exported = await fixture.stack.exportStack();
    const resources = exported.deployment.resources as Array<{
      type: string;
      outputs?: { webhookIds?: Record<string, string>; secrets?: unknown };
    }>;
    const appwrite = resources.filter((r) => r.type.includes("appwrite"));
    expect(appwrite.map((r) => r.type)).toEqual(["pulumi-nodejs:dynamic/appwrite:WebhookSet"]);
    const outputs = appwrite[0]?.outputs ?? {};
    const secrets = revealed<Record<string, string>>(outputs.secrets);
    for (const webhook of after) {
      const key = Object.entries(outputs.webhookIds ?? {}).find(([, id]) => id === webhook.id)?.[0] ?? "";
      expect(secrets[key], webhook.id).toBe(webhook.secret);
    }
    // A delivery verifies with the key the set holds.
    const url = "https://dev.hooks.example.com/appwrite/7";
    const received = receiver.received.length;
    await emulator.emit({ projectId: PROJECT, event: "users.u1.create", payload: { $id: "u1" } });
    const delivery = receiver.received.slice(received).find((d) => d.path === "/appwrite/7");
    expect(delivery?.headers["x-appwrite-webhook-signature"]).toBe(
      signature(url, delivery?.body ?? "", secrets["hook-7"] ?? ""),
    );

    // What `trigger --stack dev --webhook hook-1` reads from this state: the entry as Appwrite holds it.
    const hook1 = emulator
      .webhooks(PROJECT)
      .find((w) => w.url === "https://dev.hooks.example.com/appwrite/1");
    expect(hook1?.authPassword).toBe("pw-dev");
    expect(webhookFromExport(exported, "dev", "hook-1")).toEqual({
      url: hook1?.url,
      secret: hook1?.secret,
      projectId: PROJECT,
      webhookId: hook1?.$id,
      name: hook1?.name,
      tls: hook1?.tls,
      authUsername: hook1?.authUsername,
      authPassword: hook1?.authPassword,
    });
    const unknown = (() => {
      try {
        webhookFromExport(exported, "dev", "hook-99");
        return "";
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(unknown).toMatch(/^stack dev has no webhook named hook-99 \(its webhooks: hook-0, hook-1, /);
    for (const key of Object.values(secrets)) expect(unknown).not.toContain(key);
  });
});
