/**
 * Shared fixtures for provider tests: an emulator with two projects, checked inputs built the
 * way the engine builds them (check, then the lifecycle), and an independent signature check.
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { check } from "../../provider/lifecycle/check";
import type { WebhookInputs } from "../../provider/lifecycle/schema";

export const PROJECT = "lifecycle";
export const OTHER_PROJECT = "lifecycle-other";
export const API_KEY = "standard_lifecycle-test-key-0123456789";
export const READ_ONLY_KEY = "standard_read-only-key-0123456789";

export const baseArgs = {
  name: "orders",
  url: "https://hooks.example.com/appwrite",
  events: ["users.*.create", "buckets.*.files.*"],
};

/** Runs check the way the engine does before create, and returns the checked inputs. */
export function checkedInputs(
  endpoint: string,
  args: Record<string, unknown> = {},
): WebhookInputs & Record<string, unknown> {
  const result = check({}, { endpoint, projectId: PROJECT, apiKey: API_KEY, ...baseArgs, ...args });
  if (result.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
  return { ...result.inputs, __provider: "serialized-provider-text" } as unknown as WebhookInputs &
    Record<string, unknown>;
}

/**
 * The expected signature computed here, not with the package's signing code: Appwrite 1.9.6
 * signs rawurldecode(url) + body with HMAC-SHA1 and base64.
 */
export function expectedSignature(url: string, body: string, secret: string): string {
  return createHmac("sha1", secret).update(decodeURIComponent(url)).update(body).digest("base64");
}

export interface Receiver {
  origin: string;
  received: Array<{ headers: Record<string, string | string[] | undefined>; body: string; path: string }>;
  close(): Promise<void>;
}

/** A local HTTP receiver that records each delivery and answers 200. */
export async function startReceiver(status = 200): Promise<Receiver> {
  const received: Receiver["received"] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        path: req.url ?? "",
      });
      res.writeHead(status).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A webhooks.yaml with three problems of three kinds, each on a known line: an unknown key
 * (line 7), an undefined `${variable}` (line 5) and an event name Appwrite refuses (line 11).
 */
export const BAD_DECLARATION = [
  "version: 1",
  "webhooks:",
  "  - id: orders",
  "    name: Orders",
  "    url: https://${host}/orders",
  "    events: [users.*.create]",
  "    colour: blue",
  "  - id: billing",
  "    name: Billing",
  "    url: https://hooks.example.com/billing",
  "    events: [users.*.creat]",
  "",
].join("\n");
