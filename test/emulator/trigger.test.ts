/**
 * What `trigger` sends, checked against readings of Appwrite that are not the emulator's:
 * - the response models' field lists (emulator/appwrite-config/response-models-1.9.6.json, which
 *   PHP builds by running Appwrite's model classes) against PHP's tokenizer reading of the same
 *   files (test/emulator/vectors/appwrite-response-model-fields.json), and against the model types
 *   of node-appwrite, Appwrite's own Node SDK, read with the TypeScript compiler;
 * - each event's payload: the fields of the model events.php names, in Appwrite's order, with the
 *   event's IDs where the model holds them;
 * - the request as a receiver gets it: header lines and order as the emulator's README documents
 *   them, and a signature computed by the OpenSSL CLI over the URL and the body received;
 * - the command's answers: exit codes, the printed status and answer, and no key in any output.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import eventsConfig from "../../emulator/appwrite-config/events-1.9.6.json";
import modelsData from "../../emulator/appwrite-config/response-models-1.9.6.json";
import { eventPayload, EventNameError, readTriggeredEvent } from "../../emulator/trigger/event-payload";
import { runTrigger } from "../../emulator/trigger/trigger-cli";
import { REPO_ROOT } from "../support/engine";
import vectors from "./vectors/appwrite-response-model-fields.json";

interface PhpNode {
  [key: string]: PhpNode | string | boolean;
}
const MODELS = modelsData.models as Record<
  string,
  { class: string; any: boolean; rules: Array<{ field: string }> }
>;
const FIELDS = vectors.fields as Record<string, string[]>;
const fieldsOf = (model: string): string[] => FIELDS[MODELS[model]?.class ?? ""] ?? [];

/** Every resource of events.php with its `$model` and one of its actions: `users.*.sessions` → session, create. */
function resourcesOfEventsConfig(): Array<{ path: string[]; model: string; action: string }> {
  const found: Array<{ path: string[]; model: string; action: string }> = [];
  const walk = (node: PhpNode, path: string[]): void => {
    for (const [name, child] of Object.entries(node)) {
      if (name.startsWith("$") || typeof child !== "object" || child["$resource"] !== true) continue;
      const action = Object.keys(child).find(
        (key) =>
          !key.startsWith("$") &&
          typeof child[key] === "object" &&
          (child[key] as PhpNode)["$resource"] !== true,
      );
      if (typeof child["$model"] === "string" && action)
        found.push({ path: [...path, name], model: child["$model"], action });
      walk(child, [...path, name]);
    }
  };
  walk(eventsConfig.events as unknown as PhpNode, []);
  return found;
}

/** node-appwrite's `Models.<Name>` types, as their property names in declaration order. */
function sdkModelFields(): Map<string, string[]> {
  const file = join(REPO_ROOT, "node_modules/node-appwrite/dist/models.d.ts");
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const types = new Map<string, string[]>();
  const visit = (node: ts.Node): void => {
    if (ts.isTypeAliasDeclaration(node) && ts.isTypeLiteralNode(node.type)) {
      types.set(
        node.name.text,
        node.type.members.map((member) => (member.name as ts.Identifier | ts.StringLiteral).text),
      );
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return types;
}

describe("the response models trigger builds payloads from", () => {
  it("were read from Appwrite 1.9.6, the commit the events catalog and the vectors come from", () => {
    expect(modelsData.source).toEqual({ ...eventsConfig.source, path: "src/Appwrite/Utopia/Response/Model" });
    expect(vectors.source).toEqual(modelsData.source);
  });

  it("cover every model events.php names", () => {
    const named = new Set(resourcesOfEventsConfig().map((resource) => resource.model));
    expect(named.size).toBe(29);
    for (const model of named) expect(MODELS[model], model).toBeDefined();
  });

  it("list each model's fields as PHP's tokenizer reads them from the model's source", () => {
    for (const [name, model] of Object.entries(MODELS)) {
      expect(
        model.rules.map((rule) => rule.field),
        name,
      ).toEqual(FIELDS[model.class]);
    }
  });

  it("list the fields of node-appwrite's models (Appwrite's SDK), where it has the model", () => {
    const sdk = sdkModelFields();
    // The SDK names two classes differently, and has no type for three models.
    const sdkName: Record<string, string> = { Func: "Function", Rule: "ProxyRule" };
    // node-appwrite 27.1.0's Database carries fields a later server added; 1.9.6's are the rest, in order.
    const laterFields: Record<string, string[]> = {
      Database: ["status", "engine", "specification", "replicas", "policies", "archives"],
    };
    const compared: string[] = [];
    for (const model of Object.values(MODELS)) {
      const fields = sdk.get(sdkName[model.class] ?? model.class);
      if (!fields) continue;
      compared.push(model.class);
      const later = laterFields[model.class] ?? [];
      expect(
        model.rules.map((rule) => rule.field),
        model.class,
      ).toEqual(fields.filter((field) => !later.includes(field)));
    }
    expect(compared).toHaveLength(27);
  });
});

describe("a triggered event's payload", () => {
  const NOW = "2026-01-02T03:04:05.678+00:00";

  it("is the model of the event's resource, every field in Appwrite's order, its $id (or key) the event's", () => {
    for (const { path, model, action } of resourcesOfEventsConfig()) {
      const ids = path.map((_, index) => `id${index}`);
      const event = [...path.flatMap((name, index) => [name, ids[index]]), action].join(".");
      const payload = eventPayload(readTriggeredEvent(event), {}, NOW);
      expect(Object.keys(payload), event).toEqual(fieldsOf(model));
      // Attributes and columns have no $id: their key is the ID the event names.
      expect(payload.$id ?? payload.key, event).toBe(ids.at(-1));
    }
  });

  it("holds the IDs of the resources the event names above its own", () => {
    const cases: Array<[string, Record<string, string>]> = [
      ["users.u1.sessions.s1.create", { $id: "s1", userId: "u1" }],
      ["users.u1.tokens.t1.create", { $id: "t1", userId: "u1" }],
      ["buckets.b1.files.f1.create", { $id: "f1", bucketId: "b1" }],
      ["teams.t1.memberships.m1.update.status", { $id: "m1", teamId: "t1" }],
      ["functions.fn1.executions.e1.create", { $id: "e1", functionId: "fn1" }],
      ["functions.fn1.deployments.d1.create", { $id: "d1", resourceId: "fn1", resourceType: "functions" }],
      ["sites.s1.deployments.d1.create", { $id: "d1", resourceId: "s1", resourceType: "sites" }],
      [
        "databases.db.collections.c1.documents.doc.create",
        { $id: "doc", $databaseId: "db", $collectionId: "c1" },
      ],
      ["databases.db.tables.t1.rows.r1.update", { $id: "r1", $databaseId: "db", $tableId: "t1" }],
      ["databases.db.collections.c1.create", { $id: "c1", databaseId: "db" }],
    ];
    for (const [event, ids] of cases) {
      expect(eventPayload(readTriggeredEvent(event), {}, NOW), event).toMatchObject(ids);
    }
  });

  it("gives each * an ID of Appwrite's shape, dates the current time, and keeps Appwrite's examples", () => {
    const event = readTriggeredEvent("users.*.update.email");
    expect(event.event).toMatch(/^users\.[0-9a-f]{20}\.update\.email$/);
    const payload = eventPayload(event, { name: "Ada" }, NOW);
    expect(payload).toMatchObject({
      $id: event.resources[0]?.id,
      $createdAt: NOW,
      registration: NOW,
      email: "john@appwrite.io",
      name: "Ada",
      prefs: { theme: "pink", timezone: "UTC" },
    });
  });

  it("of a prefs update is the preferences alone, as the 1.9.6 routes answer them", () => {
    for (const event of ["users.u1.update.prefs", "teams.t1.update.prefs"]) {
      const triggered = readTriggeredEvent(event);
      expect(triggered.model, event).toBe("preferences");
      expect(eventPayload(triggered, {}, NOW), event).toEqual({ theme: "pink", timezone: "UTC" });
    }
  });

  it("refuses an event Appwrite 1.9.6 refuses, and one without an action", () => {
    expect(() => readTriggeredEvent("users.*.explode")).toThrow(EventNameError);
    expect(() => readTriggeredEvent("tablesdb.*.tables.*.rows.*.create")).toThrow(
      /not an Appwrite 1\.9\.6 event/,
    );
    expect(() => readTriggeredEvent("users.*")).toThrow(/names no action.*users\.\*\.create/);
    // Names Appwrite's validator passes, though no route fires them.
    expect(() => readTriggeredEvent("users.*.sessions.*")).toThrow(/names no action/);
    expect(() => readTriggeredEvent("users.*.$model")).toThrow(/names no action/);
  });
});

describe("the trigger command", () => {
  const KEY = "a-test-signing-key-0123456789";
  let server: Server;
  let origin = "";
  const received: Array<{ raw: string[]; url: string; body: Buffer }> = [];
  /** The answer the receiver gives next. */
  let answer = { status: 200, body: '{"received":true}' };

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        received.push({ raw: req.rawHeaders, url: req.url ?? "", body: Buffer.concat(chunks) });
        res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  async function run(argv: string[], env: Record<string, string> = { KEY }) {
    let stdout = "";
    let stderr = "";
    const code = await runTrigger(argv, {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      env,
    });
    expect(stdout + stderr).not.toContain(KEY);
    return { code, stdout, stderr };
  }
  const URL_SIGNED = "https://hooks.example.com/appwrite/caf%C3%A9?x=1";
  const sendTo = (extra: string[] = []) => [
    "users.u1.create",
    "--url",
    URL_SIGNED,
    "--connect",
    origin,
    "--secret-env",
    "KEY",
    ...extra,
  ];

  it("sends the emulator's header lines, signed over the decoded URL and the body as OpenSSL computes it", async () => {
    received.length = 0;
    answer = { status: 200, body: '{"received":true}' };
    const ran = await run(sendTo(["--project", "shop"]));
    expect(ran).toEqual({
      code: 0,
      stdout: `users.u1.create (user, 4 event names) -> ${URL_SIGNED}\n200 {"received":true}\n`,
      stderr: "",
    });
    const [request] = received;
    const names = request?.raw.filter((_, index) => index % 2 === 0);
    expect(names).toEqual([
      "Host",
      "User-Agent",
      "Accept",
      "Content-Type",
      "Content-Length",
      "X-Appwrite-Webhook-Id",
      "X-Appwrite-Webhook-Events",
      "X-Appwrite-Webhook-Name",
      "X-Appwrite-Webhook-Project-Id",
      "X-Appwrite-Webhook-Signature",
    ]);
    const header = (name: string) => request?.raw[(request.raw.indexOf(name) ?? 0) + 1];
    expect(request?.url).toBe("/appwrite/caf%C3%A9?x=1");
    expect(header("Host")).toBe("hooks.example.com");
    expect(header("X-Appwrite-Webhook-Project-Id")).toBe("shop");
    expect(header("X-Appwrite-Webhook-Events")?.split(",").sort()).toEqual(
      ["users.u1.create", "users.*.create", "users.u1", "users.*"].sort(),
    );
    const signed = spawnSync("openssl", ["dgst", "-sha1", "-hmac", KEY, "-binary"], {
      input: Buffer.concat([
        Buffer.from("https://hooks.example.com/appwrite/café?x=1", "utf8"),
        request?.body ?? Buffer.alloc(0),
      ]),
    });
    expect(signed.status, String(signed.stderr)).toBe(0);
    expect(header("X-Appwrite-Webhook-Signature")).toBe(signed.stdout.toString("base64"));
    expect(Object.keys(JSON.parse(request?.body.toString() ?? "{}") as object)).toEqual(fieldsOf("user"));
  });

  it("with --appwrite next, signs the URL as sent and takes the events main added", async () => {
    received.length = 0;
    answer = { status: 200, body: "{}" };
    const ran = await run(
      sendTo(["--appwrite", "next"]).map((arg) =>
        arg === "users.u1.create" ? "tablesdb.*.tables.*.rows.*.create" : arg,
      ),
    );
    expect(ran.code, ran.stderr).toBe(0);
    const [request] = received;
    const header = (name: string) => request?.raw[(request.raw.indexOf(name) ?? 0) + 1];
    const signed = spawnSync("openssl", ["dgst", "-sha1", "-hmac", KEY, "-binary"], {
      input: Buffer.concat([Buffer.from(URL_SIGNED, "utf8"), request?.body ?? Buffer.alloc(0)]),
    });
    expect(header("X-Appwrite-Webhook-Signature")).toBe(signed.stdout.toString("base64"));
    expect(Object.keys(JSON.parse(request?.body.toString() ?? "{}") as object)).toEqual(fieldsOf("row"));
    // 1.9.6 has no tablesdb events; `next` is not a release name trigger guesses at.
    expect(
      (await run(sendTo().map((arg) => (arg === "users.u1.create" ? "tablesdb.*.create" : arg)))).code,
    ).toBe(2);
    expect((await run(sendTo(["--appwrite", "1.10"]))).stderr).toContain(
      "--appwrite must be one of 1.9.6, next",
    );
  });

  it("exits 1 on an answer that is not 2xx, printing its start on one line, the key blanked if echoed", async () => {
    answer = { status: 401, body: `{"error":"invalid_signature",\n"echo":"${KEY}"}` };
    const ran = await run(sendTo());
    expect(ran.code).toBe(1);
    expect(ran.stdout.split("\n")[1]).toBe('401 {"error":"invalid_signature",\\n"echo":"[key]"}');
    answer = { status: 200, body: "x".repeat(500) };
    expect((await run(sendTo())).stdout.split("\n")[1]).toBe(`200 ${"x".repeat(200)}…`);
  });

  it("exits 1 with curl's words when no receiver answers", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const ran = await run([
      "users.*.create",
      "--url",
      `http://127.0.0.1:${closed}/hook`,
      "--secret-env",
      "KEY",
    ]);
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(
      new RegExp(
        `^no answer from the receiver: Failed to connect to 127\\.0\\.0\\.1 port ${closed} after \\d+ ms: Couldn't connect to server\\n$`,
      ),
    );
  });

  it("exits 2 naming the mistake: no key source, two, an unset variable, a key given as a flag, a bad event", async () => {
    const url = ["--url", "https://hooks.example.com/x"];
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [["users.*.create", ...url], { KEY }, /either --secret-env <VAR>, or --stack <stack> --webhook <key>/],
      [
        ["users.*.create", ...url, "--secret-env", "KEY", "--stack", "dev", "--webhook", "w"],
        { KEY },
        /either --secret-env/,
      ],
      [
        ["users.*.create", ...url, "--secret-env", "NOT_SET"],
        {},
        /the environment variable NOT_SET is empty or unset/,
      ],
      [["users.*.create", ...url, "--secret", KEY], { KEY }, /Unknown option '--secret'/],
      [["users.*.create", "--secret-env", "KEY"], { KEY }, /--url is required with --secret-env/],
      [["users.*.frobnicate", ...url, "--secret-env", "KEY"], { KEY }, /not an Appwrite 1\.9\.6 event/],
    ];
    for (const [argv, env, message] of cases) {
      const ran = await run(argv, env);
      expect(ran.code, argv.join(" ")).toBe(2);
      expect(ran.stderr, argv.join(" ")).toMatch(message);
    }
  });
});
