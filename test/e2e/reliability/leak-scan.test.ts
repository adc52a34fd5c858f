/**
 * Leak scan: the whole e2e scenario (up with a generated key, a user key, a basic-auth password
 * and an API key from secret config; a live webhook whose URL carries a password, exported and
 * adopted from the exported file; a rotation; a refresh; a failing update whose server error
 * echoes the request's secrets; destroy), then the same for a `WebhookSet` (entries with a
 * generated key, a declared key and a basic-auth password; an unmanaged webhook whose URL
 * carries a password; a rotation; a failing update that echoes secrets; a preview; a refresh;
 * destroy), with the engine at its most verbose (`-v=9
 * --logtostderr --logflow --debug`, `PULUMI_DEBUG_GRPC` to a file). Everything written is scanned
 * for every secret value used, in raw and encoded forms:
 *   stdout and stderr of each command, the gRPC log, every file of the file backend (checkpoint,
 *   backups, history), the stack's config file, `__provider` of each resource, the provider's
 *   error messages, every line the provider logged, and the exported declaration file.
 *
 * Acceptance: zero hits in anything this package writes or controls. Pulumi's own debug channels
 * (the SDK's RegisterResource debug records and the gRPC payload log, which carry resource
 * inputs and outputs by design) do hold secrets whatever the provider does; their hits are
 * attributed record by record, reported, and kept apart (see the warning in docs/how-it-behaves.md).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendText, provisionEngine, type StackFixture } from "../../support/engine";
import { API_KEY, PROJECT, declare, startWorld, url, webhookStack, type World } from "../fixture";
import { AppwriteClient } from "../../../provider/appwrite/client";
import { resolveConnection } from "../../../provider/appwrite/config";
import { exportProject } from "../../../provider/gitops/export";
import { createOutsidePulumi } from "../../support/outside-pulumi";
import { PULUMI_DEBUG_RECORD, encodings, lineAt, scan, type Hit, type Secret, type Source } from "./scanner";
import { setStack, type DeclaredSet, type SetSecrets } from "./set-support";

describe("the scanner", () => {
  const canary = 'canary-"secret"\\value-ü-0123456789';
  const filler = "x".repeat(5000);

  it("finds a planted secret in every encoding it searches, at every base64 alignment", () => {
    const forms = encodings(canary);
    expect(forms.map((f) => f.encoding)).toEqual(
      expect.arrayContaining([
        "raw",
        "json",
        "json-in-json",
        "percent",
        "hex",
        "base64@0",
        "base64@1",
        "base64@2",
      ]),
    );
    const planted: Source[] = [
      { name: "raw", text: `${filler}${canary}${filler}` },
      { name: "json", text: JSON.stringify({ log: `a ${canary} b` }) },
      { name: "json-in-json", text: JSON.stringify({ line: JSON.stringify({ v: canary }) }) },
      { name: "percent", text: `https://x.example/?k=${encodeURIComponent(canary)}` },
      { name: "hex", text: `<Buffer ${Buffer.from(`..${canary}..`).toString("hex")}>` },
      ...[0, 1, 2].map((pad) => ({
        name: `base64 pad ${pad}`,
        text: `Authorization: Basic ${Buffer.from(`${"u".repeat(pad)}${canary}:tail`).toString("base64")}`,
      })),
      {
        name: "base64url",
        text: Buffer.from(`{"k":"${canary}"}`).toString("base64url"),
      },
    ];
    const report = scan(planted, [{ label: "canary", value: canary }]);
    for (const source of planted) {
      expect(
        report.hits.some((hit) => hit.source === source.name),
        `planted in ${source.name}`,
      ).toBe(true);
    }
  });

  it("reports nothing on clean text, and ignores values too short to be secrets", () => {
    const report = scan(
      [{ name: "clean", text: `${filler} [redacted] ${"ab".repeat(100)}` }],
      [
        { label: "canary", value: canary },
        { label: "short", value: "ab" },
      ],
    );
    expect(report.hits).toEqual([]);
    expect(report.secrets).toBe(1);
  });

  it("tells Pulumi's debug records from other lines", () => {
    expect(PULUMI_DEBUG_RECORD.test("RegisterResource RPC finished: resource:x; err: null, resp: …")).toBe(
      true,
    );
    expect(PULUMI_DEBUG_RECORD.test("eventSink::Debug(<{%reset%}>RegisterResource RPC finished: …")).toBe(
      true,
    );
    expect(PULUMI_DEBUG_RECORD.test("pulumi-appwrite-webhooks: retrying create webhook x")).toBe(false);
    const planted = [
      JSON.stringify({ msg: `pulumi-appwrite-webhooks: oops ${canary}` }),
      JSON.stringify({ msg: `RegisterResource RPC finished: ${canary}` }),
    ].join("\n");
    const report = scan([{ name: "stderr", text: planted }], [{ label: "canary", value: canary }]);
    const origins = report.hits
      .filter((hit) => hit.encoding === "json" || hit.encoding === "raw")
      .map((hit) => originOf(hit, { stderr: planted }, [], canary));
    expect(origins).toEqual(["ours", "pulumi-debug"]);
  });
});

// ---- The scenario -------------------------------------------------------------------------

const USER_SECRET_1 = 'user-key "one" \\ with escapes-5b1c';
const USER_SECRET_2 = "user-key-two-after-rotation-7d42";
const BASIC_PASSWORD = 'basic "pass" \\ word-9e77';
/** Carried in a live webhook's URL (user:pw@), as a project configured by hand may have it. */
const URL_PASSWORD = "url-pa55w0rd-in-userinfo-3c19";
const LEGACY_ID = "leak-legacy";

/** The set's own project, its entries' credentials, and a password in an unmanaged webhook's URL. */
const SET_PROJECT = "leak-set";
const SET_SECRET_1 = 'set-key "one" \\ declared-4a1e';
const SET_SECRET_2 = "set-key-two-after-rotation-8c03";
const SET_BASIC_PASSWORD = 'set basic "pass" \\ word-2f5d';
const UNMANAGED_URL_PASSWORD = "unmanaged-url-pa55w0rd-6b20";

let world: World;
let fixture: StackFixture;
let setFixture: StackFixture;
let grpcDir: string;
const grpcLog = () => join(grpcDir, "grpc.log");
const setGrpcLog = () => join(grpcDir, "grpc-set.log");
const secrets = new Map<string, Secret>();
const captured = {
  stdout: "",
  stderr: "",
  errors: [] as string[],
  providerLines: [] as string[],
  exportFile: "",
};
const debugMessages: string[] = [];

const VERBOSE = { logVerbosity: 9, logToStdErr: true, logFlow: true, debug: true };

function remember(label: string, value: string | undefined): void {
  if (value) secrets.set(value, { label, value });
}

/** Every key the server holds now, plus the ones it held before (kept in the map). */
function rememberServerKeys(step: string, project = PROJECT): void {
  for (const webhook of world.emulator.webhooks(project))
    remember(`${step}: key of ${webhook.name}`, webhook.secret);
}

async function verbose(
  command: "up" | "preview" | "refresh" | "destroy",
  options: Record<string, unknown> = {},
  stack: Stack = fixture.stack,
) {
  const onEvent = (event: EngineEvent) => {
    const diagnostic = event.diagnosticEvent;
    if (!diagnostic) return;
    const debugRecord = PULUMI_DEBUG_RECORD.test(diagnostic.message);
    if (debugRecord) debugMessages.push(diagnostic.message);
    if (diagnostic.severity === "error") captured.errors.push(diagnostic.message);
    // The SDK's own debug records name the package too (the `__provider` text loads it by name),
    // on the same line as the outputs they dump: they are Pulumi's, never the provider's lines.
    if (debugRecord) return;
    for (const line of diagnostic.message.split("\n")) {
      if (line.includes("pulumi-appwrite-webhooks")) captured.providerLines.push(line);
    }
  };
  const all = {
    ...VERBOSE,
    onOutput: (text: string) => (captured.stdout += text),
    onError: (text: string) => (captured.stderr += text),
    onEvent,
    ...options,
  };
  try {
    if (command === "up") await stack.up(all);
    else if (command === "preview") await stack.preview(all);
    else if (command === "refresh") await stack.refresh(all);
    else await stack.destroy(all);
    return undefined;
  } catch (error) {
    // The CommandError repeats the command's stdout and stderr, which are scanned as such.
    return error as Error;
  }
}

beforeAll(async () => {
  await provisionEngine();
  world = await startWorld();
  grpcDir = mkdtempSync(join(tmpdir(), "grpc-log-"));
  remember("API key", API_KEY);
  remember("user key 1", USER_SECRET_1);
  remember("user key 2", USER_SECRET_2);
  remember("basic-auth password", BASIC_PASSWORD);
  remember("password in a live URL", URL_PASSWORD);
  remember("set: declared key 1", SET_SECRET_1);
  remember("set: declared key 2", SET_SECRET_2);
  remember("set: basic-auth password", SET_BASIC_PASSWORD);
  remember("set: password in an unmanaged webhook's URL", UNMANAGED_URL_PASSWORD);
});
afterAll(async () => {
  world?.emulator.clearFaults();
  await fixture?.dispose();
  await setFixture?.dispose();
  await world?.close();
  if (grpcDir) rmSync(grpcDir, { recursive: true, force: true });
});

/** The exported declaration of the live webhook, as the stack declares it when adopting it. */
let legacy: Record<string, unknown> = {};

/**
 * A webhook configured by hand with credentials in its URL (Appwrite accepts them and sends them
 * as basic auth), exported by the package's export, and adopted from the exported file: the
 * path that brings such a password closest to state and output.
 */
async function exportLegacyWebhook(): Promise<void> {
  const connection = resolveConnection({
    endpoint: world.emulator.endpoint,
    projectId: PROJECT,
    apiKey: API_KEY,
  });
  const client = new AppwriteClient(connection);
  await client.create(LEGACY_ID, {
    name: "legacy v1",
    url: `https://receiver:${URL_PASSWORD}@${new URL(url("/leak/legacy")).host}/leak/legacy`,
    events: ["users.*"],
    enabled: true,
    tls: true,
  });
  const exported = await exportProject(client, connection.endpoint);
  captured.exportFile = exported.yaml;
  const declared = exported.declaration.webhooks.find((webhook) => webhook.id === LEGACY_ID);
  expect(declared?.url).toBe(url("/leak/legacy"));
  expect(declared?.auth).toEqual({ username: "receiver", passwordConfig: "leakLegacyAuthPassword" });
  expect(exported.requiredSecretConfig).toEqual(["leakLegacyAuthPassword"]);
  legacy = {
    webhookId: LEGACY_ID,
    url: declared?.url,
    events: declared?.events,
    authUsername: declared?.auth?.username,
    useAuthPassword: true,
    adopt: true,
  };
}

const webhooks = (version: number, trigger: number) => ({
  legacy: { ...legacy, name: `legacy v${version}` },
  gen: { name: `gen v${version}`, url: url("/leak/gen"), events: ["users.*"], rotationTrigger: trigger },
  own: { name: `own v${version}`, url: url("/leak/own"), events: ["users.*"], useSecret: true },
  basic: {
    name: `basic v${version}`,
    url: url("/leak/basic"),
    events: ["users.*"],
    authUsername: "receiver",
    useAuthPassword: true,
  },
});

describe("leak scan of a whole scenario at maximum verbosity", () => {
  it("runs the scenario", async () => {
    await exportLegacyWebhook();
    // The operator sets the exported password config key; here it is the e2e program's secret config.
    const legacyAuth = { legacy: { authPassword: URL_PASSWORD } };
    fixture = await webhookStack(
      world,
      webhooks(1, 1),
      { ...legacyAuth, own: { secret: USER_SECRET_1 }, basic: { authPassword: BASIC_PASSWORD } },
      { PULUMI_DEBUG_GRPC: grpcLog() },
    );
    expect(await verbose("up")).toBeUndefined();
    rememberServerKeys("after up");
    // Adopted: the URL lost its credentials, which now travel as the (secret) basic-auth password.
    expect(world.emulator.webhooks(PROJECT).find((w) => w.$id === LEGACY_ID)).toMatchObject({
      url: url("/leak/legacy"),
      authUsername: "receiver",
      authPassword: URL_PASSWORD,
    });

    // Rotation: a new generated key for gen, a new user key for own.
    await declare(fixture.stack, webhooks(1, 2));
    await fixture.stack.setConfig("e2e:secrets", {
      value: JSON.stringify({
        ...legacyAuth,
        own: { secret: USER_SECRET_2 },
        basic: { authPassword: BASIC_PASSWORD },
      }),
      secret: true,
    });
    expect(await verbose("up")).toBeUndefined();
    rememberServerKeys("after rotation");

    expect(await verbose("refresh")).toBeUndefined();

    // A failing update: a server (or a proxy in front of it) that echoes the request's secrets in
    // its error. The provider must redact them before Pulumi prints the error.
    const ids = Object.fromEntries(
      world.emulator.webhooks(PROJECT).map((w) => [w.name.split(" ")[0], w.$id]),
    );
    const echo = (path: RegExp, method: string, ...values: string[]) =>
      world.emulator.injectFault({
        kind: "status",
        status: 400,
        type: "general_argument_invalid",
        message: `Invalid request (echo: ${values.join(" | ")})`,
        method,
        path,
      });
    echo(new RegExp(`^/v1/webhooks/${ids.gen}$`), "PUT", API_KEY);
    echo(new RegExp(`^/v1/webhooks/${ids.basic}$`), "PUT", API_KEY, BASIC_PASSWORD);
    echo(new RegExp(`^/v1/webhooks/${ids.own}/secret$`), "PATCH", API_KEY, USER_SECRET_1);
    await declare(fixture.stack, { ...webhooks(2, 2), own: { ...webhooks(1, 2).own } });
    await fixture.stack.setConfig("e2e:secrets", {
      value: JSON.stringify({
        ...legacyAuth,
        own: { secret: USER_SECRET_1 },
        basic: { authPassword: BASIC_PASSWORD },
      }),
      secret: true,
    });
    const failure = await verbose("up", { continueOnError: true });
    world.emulator.clearFaults();
    expect(failure).toBeDefined();
    const errorText = captured.errors.join("\n");
    expect(errorText).toMatch(/Appwrite refused to update webhook .*HTTP 400 general_argument_invalid/);
    expect(errorText).toMatch(/the signing key of webhook .* could not be changed/);
    // The echo reached the provider and was redacted: proof the scan below is not vacuous.
    expect(errorText).toContain("echo: [redacted]");
    rememberServerKeys("after the failing update");

    expect(await verbose("destroy")).toBeUndefined();
    // The adopted webhook existed before Pulumi: destroy leaves it on the server, and only it.
    expect(world.emulator.webhooks(PROJECT).map((w) => w.$id)).toEqual([LEGACY_ID]);
    world.emulator.deleteWebhook(LEGACY_ID);
  });

  it("runs the WebhookSet's scenario", async () => {
    await runSetScenario();
  });

  it("finds no secret in anything the package writes, and attributes every other hit", () => {
    const files = [fixture, setFixture].flatMap((f) => filesUnder(f.backendDir));
    const providerTexts = [fixture, setFixture].flatMap((f) =>
      [...backendText(f).matchAll(/"__provider":\s*"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1] ?? ""),
    );
    expect(providerTexts.length).toBeGreaterThan(0);
    const sources: Source[] = [
      { name: "stdout", text: captured.stdout },
      { name: "stderr", text: captured.stderr },
      { name: "grpc", text: [grpcLog(), setGrpcLog()].map((log) => readFileSync(log, "utf8")).join("\n") },
      { name: "backend files", text: files.map((file) => readFileSync(file, "utf8")).join("\n") },
      {
        name: "stack config",
        text: [fixture, setFixture]
          .map((f) => readFileSync(join(f.workDir, "Pulumi.e2e.yaml"), "utf8"))
          .join("\n"),
      },
      { name: "__provider", text: providerTexts.join("\n") },
      { name: "provider errors", text: captured.errors.join("\n") },
      { name: "provider log lines", text: captured.providerLines.join("\n") },
      { name: "export file", text: captured.exportFile },
    ];
    const texts = Object.fromEntries(sources.map((source) => [source.name, source.text]));
    // The classifier looks where the provider's errors are: the gRPC log's human-facing texts hold them.
    const grpcHuman = (texts.grpc ?? "").split("\n").flatMap((line) => {
      const entry = parseJson(line);
      return entry ? humanTexts(entry) : [];
    });
    expect(grpcHuman.join("\n")).toMatch(/Appwrite refused to update webhook .*echo: \[redacted\]/);
    const values = [...secrets.values()];
    const report = scan(sources, values);
    const ours = report.hits.filter(
      (hit) => originOf(hit, texts, debugMessages, needleOf(hit, values)) === "ours",
    );
    const pulumi = report.hits.filter((hit) => !ours.includes(hit));
    const bySource = (hits: Hit[]) =>
      Object.fromEntries(sources.map((s) => [s.name, hits.filter((h) => h.source === s.name).length]));
    console.log(
      [
        `leak scan: ${report.bytes} bytes in ${sources.length} sources, ${report.secrets} secret values ` +
          `(${report.needles} needles: raw, JSON, JSON-in-JSON, percent, hex, base64/base64url at 3 alignments)`,
        `  bytes per source: ${JSON.stringify(Object.fromEntries(sources.map((s) => [s.name, Buffer.byteLength(s.text)])))}`,
        `  hits in what the package writes or controls: ${ours.length} ${JSON.stringify(bySource(ours))}`,
        `  hits inside Pulumi's own debug records (SDK RegisterResource debug dumps, gRPC payloads): ${pulumi.length} ${JSON.stringify(bySource(pulumi))}`,
      ].join("\n"),
    );
    expect(
      ours.map((hit) => `${hit.secret} (${hit.encoding}) in ${hit.source}: ${context(texts, hit, values)}`),
    ).toEqual([]);
  });
});

/** The set's entries: a generated key (rotated by trigger), a declared key, and basic auth. */
const setOf = (version: number, trigger: number): Record<string, DeclaredSet> => ({
  leak_set: {
    door: "dynamic",
    projectId: SET_PROJECT,
    unmanaged: "report",
    webhooks: {
      gen: { name: "set gen v1", url: url("/leak/set/gen"), events: ["users.*"], rotationTrigger: trigger },
      own: { name: "set own v1", url: url("/leak/set/own"), events: ["users.*"], useSecret: true },
      basic: {
        name: `set basic v${version}`,
        url: url("/leak/set/basic"),
        events: ["users.*"],
        authUsername: "receiver",
        useAuthPassword: true,
      },
    },
  },
});
const setSecrets = (ownSecret: string): SetSecrets => ({
  leak_set: { own: { secret: ownSecret }, basic: { authPassword: SET_BASIC_PASSWORD } },
});

/**
 * The set's scenario: up (with an unmanaged webhook whose URL carries a password, which the set
 * reports), a rotation of the generated and the declared key, an update that fails with a server
 * error echoing secrets, a preview of the change still pending, a refresh, and destroy.
 */
async function runSetScenario(): Promise<void> {
  world.emulator.createProject(SET_PROJECT);
  world.emulator.createKey(SET_PROJECT, { key: API_KEY });
  const receiver = new URL(url("/")).host;
  await createOutsidePulumi(world.emulator, SET_PROJECT, API_KEY, {
    webhookId: "console-made",
    name: "made in the console",
    url: `https://receiver:${UNMANAGED_URL_PASSWORD}@${receiver}/leak/set/unmanaged`,
    events: ["users.*"],
    enabled: true,
  });
  setFixture = await setStack(world, setOf(1, 1), setSecrets(SET_SECRET_1), {
    PULUMI_DEBUG_GRPC: setGrpcLog(),
  });
  const stack = setFixture.stack;
  expect(await verbose("up", {}, stack)).toBeUndefined();
  rememberServerKeys("set, after up", SET_PROJECT);
  expect(world.emulator.webhooks(SET_PROJECT).find((w) => w.url.endsWith("/leak/set/basic"))).toMatchObject({
    authUsername: "receiver",
    authPassword: SET_BASIC_PASSWORD,
  });
  // The set found the webhook made outside it: the scan below is not vacuous about its URL.
  const found = captured.providerLines.filter((line) => line.includes("console-made"));
  expect(found.length, "the unmanaged webhook is reported").toBeGreaterThan(0);

  // Rotation: a new generated key for gen, a new declared key for own; the old ones become previous keys.
  await stack.setAllConfig({
    "e2e:sets": { value: JSON.stringify(setOf(1, 2)) },
    "e2e:secrets": { value: JSON.stringify(setSecrets(SET_SECRET_2)), secret: true },
  });
  expect(await verbose("up", {}, stack)).toBeUndefined();
  rememberServerKeys("set, after rotation", SET_PROJECT);

  // A failing update of the entry with basic auth: the server echoes the password and the API key.
  const basicId = world.emulator.webhooks(SET_PROJECT).find((w) => w.url.endsWith("/leak/set/basic"))?.$id;
  world.emulator.injectFault({
    kind: "status",
    status: 400,
    type: "general_argument_invalid",
    message: `Invalid request (echo: ${API_KEY} | ${SET_BASIC_PASSWORD})`,
    method: "PUT",
    path: new RegExp(`^/v1/webhooks/${basicId}$`),
  });
  await stack.setConfig("e2e:sets", { value: JSON.stringify(setOf(2, 2)) });
  const errorsBefore = captured.errors.length;
  expect(await verbose("up", { continueOnError: true }, stack)).toBeDefined();
  world.emulator.clearFaults();
  const errorText = captured.errors.slice(errorsBefore).join("\n");
  expect(errorText).toMatch(/1 of 1 webhook changes of this WebhookSet failed/);
  expect(errorText).toContain("echo: [redacted]");

  expect(await verbose("preview", {}, stack)).toBeUndefined();
  expect(await verbose("refresh", {}, stack)).toBeUndefined();
  expect(await verbose("destroy", {}, stack)).toBeUndefined();
  // The set deletes its own webhooks only: the unmanaged one stays, and the test removes it.
  expect(world.emulator.webhooks(SET_PROJECT).map((w) => w.$id)).toEqual(["console-made"]);
  world.emulator.deleteWebhook("console-made");
}

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => statSync(file).size < 50 * 1024 * 1024);
}

function needleOf(hit: Hit, values: Secret[]): string {
  const secret = values.find((value) => value.label === hit.secret);
  return encodings(secret?.value ?? "").find((form) => form.encoding === hit.encoding)?.needle ?? "";
}

/** The hit's surroundings with every secret masked, for a failure message that leaks nothing. */
function context(texts: Record<string, string>, hit: Hit, values: Secret[]): string {
  let line = lineAt(texts[hit.source] ?? "", hit.index).slice(0, 300);
  for (const value of values)
    for (const form of encodings(value.value)) line = line.split(form.needle).join("«secret»");
  return line;
}

/**
 * "pulumi-debug" when the hit sits inside one of Pulumi's own records that carry resource data
 * by design; "ours" for anything else (the package's messages, state, config, __provider).
 */
function originOf(
  hit: Hit,
  texts: Record<string, string>,
  debug: string[],
  needle: string,
): "ours" | "pulumi-debug" {
  const text = texts[hit.source] ?? "";
  const line = lineAt(text, hit.index);
  if (hit.source === "stdout") {
    // The display prints each debug record's lines; the hit's line must come from one of them.
    const fragment = line.includes("debug: ") ? line.slice(line.indexOf("debug: ") + 7) : line.trim();
    return debug.some((message) => message.includes(fragment)) ? "pulumi-debug" : "ours";
  }
  if (hit.source === "stderr") {
    const message = parseJson(line)?.msg;
    return typeof message === "string" && PULUMI_DEBUG_RECORD.test(message) ? "pulumi-debug" : "ours";
  }
  if (hit.source === "grpc") {
    const entry = parseJson(line);
    if (!entry) return "ours";
    // Human-facing text in an RPC (errors, check failures, log lines other than the SDK's debug
    // records) is ours; the payloads (config, inputs, outputs) are Pulumi's plumbing.
    return humanTexts(entry).some((human) => human.includes(needle)) ? "ours" : "pulumi-debug";
  }
  return "ours";
}

function parseJson(line: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(line) as unknown;
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function humanTexts(entry: Record<string, unknown>): string[] {
  const texts: string[] = [];
  if (entry.errors !== undefined) texts.push(JSON.stringify(entry.errors));
  const response = entry.response as { failures?: unknown } | undefined;
  if (response?.failures !== undefined) texts.push(JSON.stringify(response.failures));
  const request = entry.request as { message?: unknown } | undefined;
  if (
    entry.method === "/pulumirpc.Engine/Log" &&
    typeof request?.message === "string" &&
    !PULUMI_DEBUG_RECORD.test(request.message)
  ) {
    texts.push(JSON.stringify(request.message));
  }
  return texts;
}
