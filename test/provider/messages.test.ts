/**
 * Messages a new user meets in the first hour must point at the fix: the type of a value that
 * looks right, required vs optional, the operation that failed, the one setting the CLI reads,
 * and every problem of a declaration file at once.
 */
import { createServer } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { AppwriteClient } from "../../provider/appwrite/client";
import { resolveConnection } from "../../provider/appwrite/config";
import { main } from "../../provider/gitops/commands";
import { checkDeclaration, DeclarationError } from "../../provider/gitops/declaration";
import { validateArgs } from "../../provider/lifecycle/schema";
import { API_KEY, PROJECT } from "./fixtures";

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ projects: [{ id: PROJECT, keys: [{ key: API_KEY }] }] });
});
afterAll(() => emulator.close());
afterEach(() => {
  emulator.clearFaults();
  emulator.resetCounters();
});

const failuresOf = (args: Record<string, unknown>) =>
  validateArgs(
    { name: "n", url: "https://hooks.example.com/x", events: ["users.*.create"], ...args },
    () => false,
  ).failures;
const noSleep = { sleep: async () => undefined };

describe("check messages", () => {
  it.each(["enabled", "tls", "adopt"])('%s: "true" is reported as a string', (field) => {
    expect(failuresOf({ [field]: "true" })).toEqual([
      { property: field, reason: `${field} must be true or false (a boolean), got the string "true"` },
    ]);
    expect(failuresOf({ [field]: 1 })[0]?.reason).toMatch(/got the number 1$/);
  });

  it('name: "" does not suggest omitting a required field; an optional one may', () => {
    const [name] = failuresOf({ name: "" });
    expect(name?.reason).toMatch(/^name must not be empty/);
    expect(name?.reason).not.toMatch(/omit/);
    expect(failuresOf({ name: undefined })[0]?.reason).toBeDefined();
    expect(failuresOf({ authUsername: "", authPassword: "p" })[0]?.reason).toMatch(/omit the field instead/);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("a create that cannot reach the server names the create", () => {
  it("refused connection: the create failed, after how many attempts, and nothing was written", async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}/v1`;
    const client = new AppwriteClient(
      resolveConnection({ endpoint, projectId: PROJECT, apiKey: API_KEY }),
      noSleep,
    );
    const error = (await client
      .create("refused-1", {
        name: "n",
        url: "https://hooks.example.com/x",
        events: [],
        enabled: true,
        tls: true,
      })
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /^Could not create webhook refused-1: .*ECONNREFUSED.*after 6 attempts; nothing was written/,
    );
    expect(error.message).not.toMatch(/read webhook/);
  });

  it("unanswered create whose read-back fails too: the create is named, and what was tried after it", async () => {
    emulator.injectFault({ kind: "reset", method: "POST" });
    emulator.injectFault({ kind: "status", status: 503, method: "GET" });
    const client = new AppwriteClient(
      resolveConnection({ endpoint: emulator.endpoint, projectId: PROJECT, apiKey: API_KEY }),
      noSleep,
    );
    const error = (await client
      .create("ambiguous-1", {
        name: "n",
        url: "https://hooks.example.com/x",
        events: [],
        enabled: true,
        tls: true,
      })
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^Could not create webhook ambiguous-1: /);
    expect(error.message).toMatch(
      /whether it was written is not known, since reading it back failed too \(Appwrite refused to read webhook ambiguous-1: HTTP 503/,
    );
  });
});

describe("a server slower than the timeout fails the operation within its limit", () => {
  it("unanswered create whose read-back times out too: the message gives the attempts and the limit, reached in bounded time", async () => {
    // Every request answers after 20 s; the request timeout is 1 s, so the operation is limited to
    // 3 × 1 s + 6.2 s of retry waits. Without that limit the create waited for one POST and six
    // reads, each a full timeout, and said "after 1 attempts".
    emulator.injectFault({ kind: "latency", latencyMs: 20_000 });
    const client = new AppwriteClient({
      ...resolveConnection({ endpoint: emulator.endpoint, projectId: PROJECT, apiKey: API_KEY }),
      timeoutMs: 1_000,
    });
    const started = Date.now();
    const error = (await client
      .create("slow-1", {
        name: "n",
        url: "https://hooks.example.com/x",
        events: [],
        enabled: true,
        tls: true,
      })
      .catch((e: unknown) => e)) as Error;
    const elapsed = Date.now() - started;
    expect(error.message).toMatch(
      /^Could not create webhook slow-1: no answer within the timeout, after 1 attempt; /,
    );
    expect(error.message).toMatch(
      /reading it back failed too \(Could not read webhook slow-1: no answer within the timeout, after \d attempts? in [\d.]+ s, at the limit of 9\.2 s for one operation: 3 times the 1 s request timeout \(appwrite:httpTimeoutSeconds\) plus 6\.2 s of waits between retries/,
    );
    expect(error.message).toMatch(/The next `pulumi up` takes webhook slow-1 over if it finds it/);
    // The limit, plus undici's coarse timer (up to 0.5 s late) on the last attempt.
    expect(elapsed).toBeLessThan(9_200 + 1_000);
    console.log(`slow create failed after ${elapsed} ms: ${error.message}`);
  }, 30_000);
});

/** Runs the CLI with a clean environment; returns the error it ended with, if any. */
async function cli(argv: string[], env: Record<string, string> = {}): Promise<Error | undefined> {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith("APPWRITE_")) delete process.env[key];
  Object.assign(process.env, env);
  try {
    await main(argv);
    return undefined;
  } catch (error) {
    return error as Error;
  } finally {
    process.env = saved;
  }
}

describe("export messages", () => {
  it("an endpoint without /v1 is told to add it, before any request", async () => {
    const origin = emulator.endpoint.replace(/\/v1$/, "");
    const error = await cli(["export", "--endpoint", origin, "--project", PROJECT], {
      APPWRITE_API_KEY: API_KEY,
    });
    expect(error?.message).toContain(`endpoint must end with /v1 (for example ${origin}/v1)`);
    expect(emulator.counters().total ?? 0).toBe(0);
  });

  it("without a key, only APPWRITE_API_KEY is named", async () => {
    const error = await cli(["export", "--endpoint", emulator.endpoint, "--project", PROJECT]);
    expect(error?.message).toMatch(/APPWRITE_API_KEY/);
    expect(error?.message).not.toMatch(/pulumi config|stack config|appwrite:apiKey|input/);
  });
});

describe("validate reports every problem of a file in one pass", () => {
  const file = [
    "version: 1",
    "webhooks:",
    "  - id: orders",
    "    name: Orders",
    "    url: https://${host}/orders",
    "    events: [users.*.create]",
    "    colour: blue",
    "  - id: billing",
    "    name: Billing",
    "    url: https://localhost/billing",
    "    events: [users.*.creat]",
    '    enabled: "true"',
    "",
  ].join("\n");

  it("schema, variables and the resource's rules together, each with path and line", () => {
    let error: unknown;
    try {
      checkDeclaration(file, "webhooks.yaml", () => undefined);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DeclarationError);
    const problems = (error as DeclarationError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^webhooks\[0\]\.colour \(line 7\): unknown key "colour"/),
        expect.stringMatching(
          /^webhooks\[1\]\.enabled \(line 12\): enabled must be true or false \(a boolean\), got the string "true"/,
        ),
        expect.stringMatching(/^webhooks\[0\]\.url \(line 5\): template variable \$\{host\} is not defined/),
        expect.stringMatching(/^webhooks\[1\]\.url \(line 10\): url host "localhost"/),
        expect.stringMatching(/^webhooks\[1\]\.events\[0\] \(line 11\): events\[0\] "users\.\*\.creat"/),
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it("the CLI's validate ends with all of them", async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "validate-"));
    try {
      writeFileSync(join(dir, "webhooks.yaml"), file);
      const error = await cli(["validate", join(dir, "webhooks.yaml")]);
      expect(error).toBeInstanceOf(DeclarationError);
      expect((error as DeclarationError).problems).toHaveLength(5);
      expect(error?.message).toMatch(/: 5 problems/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
