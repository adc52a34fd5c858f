/**
 * Delivery fidelity, byte for byte: for each rule a receiver compares what the emulator sends
 * with what Appwrite 1.9.6's worker sends, the worker being replayed by PHP 8.2 and its curl
 * extension (libcurl 7.88, as in Appwrite's image) with the same calls
 * (test/emulator/php/worker-request.php, after src/Appwrite/Platform/Workers/Webhooks.php).
 * Expected values come from there and from the OpenSSL CLI, never from the emulator:
 * - the body is PHP's json_encode(json_decode(payload, true));
 * - the header lines, their order and their values are libcurl's: Host, Authorization,
 *   User-Agent, Accept, then the worker's list, with no Connection header;
 * - every delivery has a connection of its own;
 * - the signature is OpenSSL's HMAC-SHA1 over rawurldecode(url) + body, and the project's
 *   verifier accepts it.
 */
import { execFile, spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type DeliveryRecord, type Emulator } from "../../emulator";
import { EmulatorControlClient } from "../../emulator/control/control-client";
import { DELIVERY_USER_AGENT } from "../../emulator/delivery/delivery-worker";
import { verifyWebhookSignature } from "../../provider";
import { phpWorkerBodies, runPhp } from "./php";
import { startReceiver, type ReceivedRequest, type Receiver } from "./receiver";

const execFileAsync = promisify(execFile);
const ROOT = resolve(__dirname, "../..");
const PROJECT = "bytes";
const KEY = "bytes-key";
const SECRET = "bytes-vector-secret";
/** The acceptance payload: an empty object, 64-bit integers, 1e20, keys {"b":1,"10":2}. */
const PAYLOAD_TEXT =
  '{"$id":"u1","prefs":{},"big":123456789012345678,"odd":9007199254740993,"f":1e20,' +
  '"small":1e-5,"keys":{"b":1,"10":2},"list":{"0":"a","1":"b"},"name":"Zo\\u00eb a/b"}';

let emulator: Emulator;
let receiver: Receiver;
let port: number;

beforeAll(async () => {
  receiver = await startReceiver();
  port = Number(new URL(receiver.origin).port);
  emulator = await startEmulator({
    projects: [{ id: PROJECT, keys: [{ key: KEY }] }],
    hostRoutes: { "hooks.example.com": receiver.origin },
  });
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});

interface Case {
  id: string;
  url: string;
  /** What PHP's rawurldecode makes of url, written out by hand for the OpenSSL check. */
  decodedUrl: string;
  name: string;
  authUsername: string;
  authPassword: string;
  userId: string;
}

async function createWebhook(c: Case): Promise<void> {
  const response = await fetch(`${emulator.endpoint}/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-appwrite-project": PROJECT, "x-appwrite-key": KEY },
    body: JSON.stringify({
      webhookId: c.id,
      url: c.url,
      name: c.name,
      events: ["users.*.create"],
      secret: SECRET,
      ...(c.authUsername ? { authUsername: c.authUsername, authPassword: c.authPassword } : {}),
    }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
}

/** The same delivery made by PHP's curl, as the worker makes it, to the same receiver. */
async function phpDelivery(c: Case, record: DeliveryRecord): Promise<ReceivedRequest> {
  const url = new URL(c.url);
  const before = receiver.received.length;
  const result = await runPhp(
    "worker-request.php",
    JSON.stringify({
      url: c.url,
      connectTo: `${url.hostname}:${url.port || 80}:127.0.0.1:${port}`,
      payloadText: PAYLOAD_TEXT,
      secret: SECRET,
      webhookId: c.id,
      events: record.events,
      name: c.name,
      userId: c.userId,
      projectId: PROJECT,
      httpUser: c.authUsername,
      httpPass: c.authPassword,
      userAgent: DELIVERY_USER_AGENT,
    }),
  );
  expect(JSON.parse(result)).toEqual({ status: 200, error: "" });
  expect(receiver.received).toHaveLength(before + 1);
  return receiver.received[before] as ReceivedRequest;
}

/** base64(HMAC-SHA1) by the OpenSSL CLI. */
function opensslSignature(message: Buffer, secret: string): string {
  const result = spawnSync("openssl", ["dgst", "-sha1", "-hmac", secret, "-binary"], { input: message });
  if (result.error || result.status !== 0)
    throw new Error(`openssl failed (apt-get install -y openssl): ${result.error?.message ?? result.stderr}`);
  return result.stdout.toString("base64");
}

const CASES: Case[] = [
  {
    id: "bytes-auth",
    url: "http://hooks.example.com:8080/in%20box?x=1&y=%2F",
    decodedUrl: "http://hooks.example.com:8080/in box?x=1&y=/",
    name: "Bytes \u2713",
    authUsername: "user",
    authPassword: "p\u00e4ss:word",
    userId: "user-1",
  },
  {
    // A key-triggered event: the User-Id header is blank, and curl leaves a blank header out.
    id: "bytes-nouser",
    url: "http://hooks.example.com/plain",
    decodedUrl: "http://hooks.example.com/plain",
    name: "plain",
    authUsername: "",
    authPassword: "",
    userId: "",
  },
  {
    // No authUsername: curl takes the credentials in the URL, %-decoded.
    id: "bytes-urlcreds",
    url: "http://us%40er:p%3Ass@hooks.example.com/creds",
    decodedUrl: "http://us@er:p:ss@hooks.example.com/creds",
    name: "creds",
    authUsername: "",
    authPassword: "",
    userId: "user-2",
  },
];

describe("a delivery, byte for byte as Appwrite 1.9.6 sends it", () => {
  it.each(CASES)("$id: PHP's body, curl's header lines, OpenSSL's signature", async (c) => {
    await createWebhook(c);
    const before = receiver.received.length;
    const records = await emulator.emit({
      projectId: PROJECT,
      event: "users.u1.create",
      payloadText: PAYLOAD_TEXT,
      ...(c.userId ? { userId: c.userId } : {}),
    });
    const record = records.find((r) => r.webhookId === c.id) as DeliveryRecord;
    expect(record).toMatchObject({ status: 200, success: true, error: null });
    const fromEmulator = receiver.received
      .slice(before)
      .find((r) => r.path === new URL(c.url).pathname + new URL(c.url).search);
    if (!fromEmulator) throw new Error(`no delivery for ${c.id}`);
    const fromPhp = await phpDelivery(c, record);

    // The body: PHP's bytes (and so, for this payload, the acceptance example).
    const [phpBody] = phpWorkerBodies([PAYLOAD_TEXT]);
    expect(phpBody).toEqual({
      body:
        '{"$id":"u1","prefs":[],"big":123456789012345678,"odd":9007199254740993,"f":1.0e+20,' +
        '"small":1.0e-5,"keys":{"b":1,"10":2},"list":["a","b"],"name":"Zo\\u00eb a\\/b"}',
    });
    expect(fromEmulator.rawBody.toString("latin1")).toBe((phpBody as { body: string }).body);
    expect(fromEmulator.rawBody.equals(fromPhp.rawBody)).toBe(true);

    // The header lines: curl's, in curl's order, with no Connection header.
    expect(fromEmulator.headerLines).toEqual(fromPhp.headerLines);
    expect(fromEmulator.headerNames.map((name) => name.toLowerCase())).not.toContain("connection");

    // The signature: OpenSSL's, and the project's verifier accepts the delivery.
    const signature = String(fromEmulator.headers["x-appwrite-webhook-signature"]);
    expect(signature).toBe(
      opensslSignature(Buffer.concat([Buffer.from(c.decodedUrl, "utf8"), fromEmulator.rawBody]), SECRET),
    );
    expect(
      verifyWebhookSignature({ url: c.url, rawBody: fromEmulator.rawBody, signature, secrets: SECRET }),
    ).toMatchObject({ ok: true });
  });

  it("opens one connection per delivery, as a fresh curl handle does", async () => {
    const before = receiver.received.length;
    const connectionsBefore = receiver.connections();
    for (let i = 0; i < 3; i++)
      await emulator.emit({ projectId: PROJECT, event: "users.u1.create", payloadText: PAYLOAD_TEXT });
    const deliveries = receiver.received.slice(before);
    expect(deliveries).toHaveLength(3 * CASES.length);
    expect(new Set(deliveries.map((r) => r.connection)).size).toBe(deliveries.length);
    expect(receiver.connections() - connectionsBefore).toBe(deliveries.length);
  });

  it("takes payloadText over the control API too, and keeps the object form", async () => {
    const control = new EmulatorControlClient(emulator.endpoint);
    const before = receiver.received.length;
    await control.emit({
      projectId: PROJECT,
      event: "users.u1.create",
      payloadText: '{"b":1,"10":2,"e":{}}',
    });
    // An object can only say what JavaScript holds: "10" first; {} still arrives as PHP's [].
    await control.emit({ projectId: PROJECT, event: "users.u1.create", payload: { b: 1, 10: 2, e: {} } });
    const bodies = receiver.received.slice(before).map((r) => r.body);
    const [fromText, fromObject] = phpWorkerBodies(['{"b":1,"10":2,"e":{}}', '{"10":2,"b":1,"e":{}}']);
    expect(bodies).toEqual([
      ...CASES.map(() => (fromText as { body: string }).body),
      ...CASES.map(() => (fromObject as { body: string }).body),
    ]);
    await expect(
      control.emit({ projectId: PROJECT, event: "users.u1.create", payloadText: "[1e400]" }),
    ).rejects.toThrow(/json_encode fails/);
  });

  it("does what emulator/README.md shows for payloadText (the example program, run)", async () => {
    const example = join(ROOT, "test/emulator/fixtures/payload-text-example.mts");
    const { stdout } = await execFileAsync(process.execPath, ["--import", "tsx", example], { cwd: ROOT });
    const [php] = phpWorkerBodies(['{"prefs":{},"id":123456789012345678,"f":1e20,"k":{"b":1,"10":2}}']);
    expect(php).toEqual({ body: '{"prefs":[],"id":123456789012345678,"f":1.0e+20,"k":{"b":1,"10":2}}' });
    expect(JSON.parse(stdout)).toEqual({ status: 200, body: (php as { body: string }).body });
  });

  it("refuses a payload text PHP cannot decode or re-encode, before any delivery", async () => {
    const before = receiver.received.length;
    // PHP: "Inf and NaN cannot be JSON encoded" and "Single unpaired UTF-16 surrogate".
    for (const payloadText of ['{"x":1e400}', '{"x":"\\ud800"}', "{bad json"]) {
      expect(phpWorkerBodies([payloadText])[0]).toHaveProperty("error");
      await expect(
        emulator.emit({ projectId: PROJECT, event: "users.u1.create", payloadText }),
      ).rejects.toThrow(/payload|json_decode/);
    }
    expect(receiver.received.length).toBe(before);
  });
});
