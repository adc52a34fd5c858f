/**
 * examples/receiver-appwrite-function as Appwrite runs it: the exported handler gets a context
 * shaped as Appwrite's documented Node function context (req.bodyText / bodyBinary, lower-cased
 * req.headers, res.text / res.json returning the response to send, log, error), built by a small
 * node:http stand-in for the executor that the emulator delivers to. The key is a function
 * variable (an environment variable), as in a deployed function. A delivery from another
 * project is accepted (200); the same delivery with one byte changed is refused (401).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { REPO_ROOT } from "../support/engine";
import type { FunctionContext } from "../../examples/receiver-appwrite-function/src/main";
import {
  replayTampered,
  startEmulatorFixture,
  type EmulatorFixture,
  PREVIOUS_IS_NULL,
  replaySignedWith,
} from "./emulator-fixture";

/** The function's entrypoint, loaded as Appwrite's executor loads it: the module's default export. */
const ENTRYPOINT = "examples/receiver-appwrite-function/src/main.ts";
const FUNCTION_URL = "https://receiver.functions.example.com/";
let receive: (context: FunctionContext) => Promise<unknown>;
let fixture: EmulatorFixture;
let executor: Server;
let origin: string;
let key = "";
const logs: string[] = [];
const errors: string[] = [];

interface FunctionResponse {
  body: string;
  statusCode: number;
  headers: Record<string, string>;
}

/** The documented context for one execution, around the request's bytes and headers. */
function contextFor(method: string, headers: Record<string, string>, body: Buffer): FunctionContext {
  const respond = (text: string, statusCode = 200, extra: Record<string, string> = {}): FunctionResponse => ({
    body: text,
    statusCode,
    headers: extra,
  });
  const context = {
    req: { method, headers, bodyBinary: body, bodyText: body.toString("utf8") },
    res: {
      text: respond,
      json: (value: unknown, statusCode?: number, extra: Record<string, string> = {}) =>
        respond(JSON.stringify(value), statusCode, { "content-type": "application/json", ...extra }),
    },
    log: (message: unknown) => void logs.push(String(message)),
    error: (message: unknown) => void errors.push(String(message)),
  };
  return context;
}

beforeAll(async () => {
  receive = ((await import(join(REPO_ROOT, ENTRYPOINT))) as { default: typeof receive }).default;
  fixture = await startEmulatorFixture();
  key = (await fixture.createWebhook(FUNCTION_URL, "To the function")).secret;
  // Function variables reach the code as environment variables.
  process.env["WEBHOOK_URL"] = FUNCTION_URL;
  process.env["WEBHOOK_SECRET"] = key;
  executor = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(", ") : (value ?? ""),
        ]),
      );
      void (async () => {
        const answer = (await receive(
          contextFor(req.method ?? "GET", headers, Buffer.concat(chunks)),
        )) as FunctionResponse;
        res.writeHead(answer.statusCode, answer.headers).end(answer.body);
      })();
    });
  });
  await new Promise<void>((resolve) => executor.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(executor.address() as AddressInfo).port}`;
  fixture.emulator.setHostRoutes({ "receiver.functions.example.com": origin });
});

afterAll(async () => {
  delete process.env["WEBHOOK_URL"];
  delete process.env["WEBHOOK_SECRET"];
  executor?.closeAllConnections();
  await new Promise((resolve) => executor?.close(resolve));
  await fixture?.close();
});

it("accepts another project's delivery with the key from a function variable, refuses a tampered copy", async () => {
  const delivery = await fixture.deliver(FUNCTION_URL);
  expect(delivery).toMatchObject({ status: 200, success: true });
  expect(JSON.parse(delivery.responseBody)).toEqual({ received: true });
  expect(logs.at(-1)).toMatch(/^verified webhook=\w+ project=demo key=current$/);

  const tampered = await replayTampered(delivery, origin + "/");
  expect(tampered).toEqual({ status: 401, json: { error: "invalid_signature", reason: "mismatch" } });
  expect(logs.at(-1)).toBe("rejected 401 invalid_signature mismatch");
  expect(errors).toEqual([]);
  expect(logs.join("\n")).not.toContain(key);
});

it("says which variable is missing, and answers 500 without it", async () => {
  const saved = process.env["WEBHOOK_SECRET"];
  delete process.env["WEBHOOK_SECRET"];
  try {
    const delivery = await fixture.deliver(FUNCTION_URL);
    expect(delivery.status).toBe(500);
    expect(JSON.parse(delivery.responseBody)).toEqual({
      error: "receiver_misconfigured",
      reason: "no-secrets",
    });
    expect(errors.at(-1)).toMatch(/WEBHOOK_SECRET/);
  } finally {
    process.env["WEBHOOK_SECRET"] = saved;
  }
});

it("with WEBHOOK_PREVIOUS_SECRET the word null, refuses a delivery signed with `null` (500, the problem logged)", async () => {
  // What `pulumi stack output previousSecret --show-secrets` prints before the first rotation.
  process.env["WEBHOOK_PREVIOUS_SECRET"] = "null";
  try {
    const delivery = await fixture.deliver(FUNCTION_URL);
    expect({ status: delivery.status, json: JSON.parse(delivery.responseBody) as unknown }).toEqual(
      PREVIOUS_IS_NULL,
    );
    expect(await replaySignedWith(delivery, origin + "/", "null")).toEqual(PREVIOUS_IS_NULL);
    expect(logs.at(-1)).toBe(
      `rejected 500 receiver_misconfigured invalid-secrets: ${PREVIOUS_IS_NULL.json.problem}`,
    );
    expect(logs.join("\n")).not.toContain(key);
  } finally {
    delete process.env["WEBHOOK_PREVIOUS_SECRET"];
  }
});
