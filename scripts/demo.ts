/**
 * `npm run demo`: the whole job in one command, on an embedded Appwrite emulator.
 *
 *   1. start the emulator (an Appwrite 1.9.6-compatible webhooks server) and a local receiver;
 *   2. provision the Pulumi engine (the CLI on PATH, or built once from the Go module proxy);
 *   3. `pulumi up` the root program (webhooks.yaml) and show the outputs, secrets masked;
 *   4. emit an event and verify the signed delivery at the receiver;
 *   5. rotate the orders key (`ordersRotation`), `pulumi up`, and show the new key verifies,
 *      the old key alone is rejected, and `previousSecret` is accepted during the window;
 *   6. `pulumi destroy` and remove the stack.
 *
 * `--keep` leaves the stack and the emulator running (Ctrl-C ends them).
 */
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createWebhookReceiver,
  signWebhookPayload,
  verifyWebhookSignature,
  type RotatingSecrets,
  type WebhookDelivery,
} from "appwrite-webhooks-receiver";
import { startEmulator, type Emulator } from "../emulator";
import { openStack, provisionEngine, REPO_ROOT, type StackFixture } from "../test/support/engine";

const keep = process.argv.includes("--keep");
const PROJECT = "demo";
const HOOKS_HOST = "hooks.example.com";
const started = Date.now();
let stepNumber = 0;

const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);
const step = (text: string) => console.log(`\n${bold(`[${++stepNumber}] ${text}`)}`);
const ok = (text: string) => console.log(`    ✔ ${text}`);
const fail = (text: string): never => {
  throw new Error(text);
};
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Pulumi's progress, indented under the step; chunks do not end on line breaks, so lines are buffered. */
function indented(): (chunk: string) => void {
  let pending = "";
  return (chunk) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) process.stdout.write(line.trim() === "" ? "\n" : `    ${line}\n`);
  };
}

interface Keys {
  secret: string;
  previousSecret?: string;
  secretRotatedAt?: string;
}

/** One receiver for the three webhook paths; the orders keys are read per request, so a rotation needs no restart. */
async function startReceiver(
  keysFor: () => RotatingSecrets,
  onOrders: (d: WebhookDelivery) => void,
): Promise<Server> {
  const orders = createWebhookReceiver({
    url: `https://${HOOKS_HOST}/appwrite/orders`,
    getSecrets: keysFor,
    onEvent: (delivery) => onOrders(delivery),
  });
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/appwrite/orders")) void orders(req, res);
    else res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

async function main(): Promise<void> {
  step("Starting the Appwrite emulator and a local receiver");
  const apiKey = `standard_${randomBytes(32).toString("hex")}`;
  const emulator: Emulator = await startEmulator({ projects: [{ id: PROJECT, keys: [{ key: apiKey }] }] });
  let orderKeys: RotatingSecrets = { current: "" };
  const received: WebhookDelivery[] = [];
  const receiver = await startReceiver(
    () => orderKeys,
    (delivery) => received.push(delivery),
  );
  const receiverOrigin = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  emulator.setHostRoutes({ [HOOKS_HOST]: receiverOrigin });
  ok(`emulator ${emulator.endpoint} (project "${PROJECT}")`);
  ok(`receiver ${receiverOrigin}; deliveries to https://${HOOKS_HOST}/… are routed there`);

  step("Provisioning the Pulumi engine");
  const engineStarted = Date.now();
  const bin = await provisionEngine({ showProgress: true });
  ok(`pulumi ready in ${bin.replace(REPO_ROOT, ".")} (${seconds(engineStarted)})`);

  step("pulumi up: the webhooks of webhooks.yaml");
  const fixture: StackFixture = await openStack({
    program: ".",
    stackName: "demo",
    inPlace: true,
    config: { "appwrite:endpoint": emulator.endpoint, "appwrite:projectId": PROJECT },
    secretConfig: {
      "appwrite:apiKey": apiKey,
      receiverPassword: randomBytes(12).toString("hex"),
      uploadsSigningSecret: randomBytes(24).toString("hex"),
    },
  });
  const { stack } = fixture;
  const print = { onOutput: indented() };
  await stack.up(print);
  const outputs = await stack.outputs();
  console.log("\n    Stack outputs (secrets masked):");
  for (const [name, output] of Object.entries(outputs)) {
    console.log(`      ${name}: ${output.secret ? "[secret]" : JSON.stringify(output.value)}`);
  }
  const keysNow = () =>
    stack
      .outputs()
      .then((o) => (o.signingKeys?.value as Record<string, Keys>).orders ?? fail("no orders keys"));
  const first = await keysNow();
  orderKeys = { current: first.secret };
  ok(`${emulator.webhooks(PROJECT).length} webhooks live in the emulator`);

  const emitOrder = async (id: string): Promise<WebhookDelivery> => {
    const before = received.length;
    const [record] = await emulator.emit({
      projectId: PROJECT,
      event: `databases.shop.collections.orders.documents.${id}.create`,
      payload: { $id: id, total: 42, note: "paid/shipped ✓" },
    });
    const delivery = received[before];
    if (!delivery) fail(`the receiver rejected the delivery (HTTP ${record?.status ?? "none"})`);
    return delivery as WebhookDelivery;
  };

  step("An event: the signed delivery arrives and verifies");
  const delivery = await emitOrder("order-1");
  ok(`delivery for webhook ${delivery.headers.webhookId}, ${delivery.headers.events.length} event names`);
  ok(
    `signature verified with the ${delivery.matched} key (Appwrite 1.9.6 signs the ${delivery.urlMode} URL)`,
  );

  step("Rotating the orders key: ordersRotation = 2, pulumi up");
  await stack.setConfig("ordersRotation", { value: "2" });
  await stack.up(print);
  const rotated = await keysNow();
  if (rotated.secret === first.secret || rotated.previousSecret !== first.secret)
    fail("the key did not rotate");
  ok("new key in place; the old one is now previousSecret");
  orderKeys = { current: rotated.secret };
  const afterRotation = await emitOrder("order-2");
  ok(`next delivery verified with the ${afterRotation.matched} (new) key`);
  // A delivery signed just before the rotation, still in flight: the old key signed it.
  const url = `https://${HOOKS_HOST}/appwrite/orders`;
  const oldSignature = signWebhookPayload({ url, rawBody: afterRotation.rawBody, secret: first.secret });
  const withNewOnly = verifyWebhookSignature({
    url,
    rawBody: afterRotation.rawBody,
    signature: oldSignature,
    secrets: orderKeys,
  });
  if (withNewOnly.ok) fail("the old key was accepted without a window");
  ok(`a delivery signed with the old key alone is rejected (${withNewOnly.ok ? "" : withNewOnly.reason})`);
  const inWindow = verifyWebhookSignature({
    url,
    rawBody: afterRotation.rawBody,
    signature: oldSignature,
    secrets: {
      current: rotated.secret,
      previous: rotated.previousSecret,
      rotatedAt: rotated.secretRotatedAt,
    },
  });
  if (!inWindow.ok || inWindow.matched !== "previous") fail("previousSecret was not accepted in the window");
  ok("with previousSecret configured it is accepted during the rotation window");

  if (keep) {
    step("Kept running (--keep)");
    console.log(`    emulator: ${emulator.endpoint}   project: ${PROJECT}`);
    console.log(
      `    Pulumi backend: ${fixture.env.PULUMI_BACKEND_URL}   stack: demo   passphrase: in PULUMI_CONFIG_PASSPHRASE`,
    );
    console.log(`    Ctrl-C stops the emulator; the stack stays in the backend folder.`);
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
  } else {
    step("pulumi destroy, stack removed");
    await stack.destroy(print);
    await fixture.dispose();
    ok(`${emulator.webhooks(PROJECT).length} webhooks left in the emulator`);
  }
  await emulator.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  console.log(
    `\n${bold("Summary")}: 3 webhooks created, 2 deliveries verified, 1 rotation with overlap, ${keep ? "stack kept" : "destroyed"}; ${seconds(started)} in all.`,
  );
}

main().catch((error: unknown) => {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
