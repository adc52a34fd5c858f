/**
 * Every fenced code block of README.md, docs/*.md, ARCHITECTURE.md, examples/*\/README.md and
 * emulator/README.md (the list is `documents()` in ./snippets) is verified:
 * a block marked `file=<path>` appears verbatim in a file that a test runs, and a block marked
 * `run=<id>` is executed by the test this registry names. A block without a marker, a marker
 * naming an unknown id, and an id no block uses all fail, so a broken or unmarked snippet fails CI.
 */
import { createHmac } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/engine";
import {
  allSnippets,
  commandLines,
  parseSnippets,
  snippet,
  startDocumentedServer,
  type Snippet,
} from "./snippets";

/** A test file that reads the block with `snippet("<id>")` and executes it. */
interface ExecutedBy {
  test: string;
}
/** Executed here, by this file. */
interface ExecutedHere {
  here: (snippet: Snippet) => Promise<void>;
}

/**
 * The registry of `run=` ids. To add one: mark the block `<!-- snippet: run=<id> -->` and add
 * `<id>: { test: "<the test file that executes it through snippet(\"<id>\")>" }` here (or a
 * function executing it in this file).
 */
const RUNNERS: Record<string, ExecutedBy | ExecutedHere> = {
  "quickstart-emulator": { test: "test/e2e/newcomer.e2e.test.ts" },
  "quickstart-up": { test: "test/e2e/newcomer.e2e.test.ts" },
  "quickstart-rotate": { test: "test/e2e/newcomer.e2e.test.ts" },
  "emulator-readme": { test: "test/docs/package.test.ts" },
  "gitops-layout": { here: gitopsLayout },
  // One run checks both blocks: the start command and the log lines it prints.
  "receiver-start": { here: () => receiverChecked() },
  "receiver-log": { here: () => receiverChecked() },
  "recover-interrupted-up": { test: "test/e2e/reliability/crash.test.ts" },
  "recover-torn-checkpoint": { test: "test/e2e/reliability/crash.test.ts" },
  "large-stacks-up": { test: "test/e2e/reliability/crash-no-checkpoints.test.ts" },
  "repo-demo": { test: "test/e2e/demo.e2e.test.ts" },
  "plugin-install": { test: "test/e2e/plugin-install.e2e.test.ts" },
  "webhook-set-migration": { test: "test/e2e/webhook-set-migration.e2e.test.ts" },
  "appwrite-cli-to-pulumi": { test: "test/e2e/gitops.e2e.test.ts" },
  "trigger-stack": { test: "test/e2e/receiver-outputs.e2e.test.ts" },
  "trigger-env": { test: "test/e2e/receiver-outputs.e2e.test.ts" },
  "policy-preview": { test: "test/e2e/policy.e2e.test.ts" },
  "policy-preview-output": { test: "test/e2e/policy.e2e.test.ts" },
  "policy-config": { test: "test/e2e/policy.e2e.test.ts" },
  "policy-preview-config": { test: "test/e2e/policy.e2e.test.ts" },
  // The tests cannot run themselves: CI runs exactly the README's commands (see .ci/run).
  "repo-test": { here: ciRunsTheReadmeCommands },
};

/** The lines of `.ci/run` that run nothing: strict mode, and the repository root as working directory. */
const CI_PREAMBLE = ["set -euo pipefail", 'cd "$(dirname "$0")/.."'];
/** `npm ci` is `npm install` held to the lockfile; its flags only silence the audit and funding notices. */
const IN_CI: Record<string, string> = { "npm install": "npm ci --no-audit --no-fund" };

/**
 * `.ci/run`, what CI executes on a clean clone, runs the README's install and test commands and
 * nothing else: a step CI needs that the README omits would make CI green where users fail.
 */
async function ciRunsTheReadmeCommands(block: Snippet): Promise<void> {
  const test = commandLines(block.text);
  expect(test).toEqual(["npm test"]);
  const [install] = commandLines(snippet("repo-demo").text);
  expect(install).toBe("npm install");
  const ci = commandLines(readFileSync(join(REPO_ROOT, ".ci", "run"), "utf8"));
  expect(ci).toEqual([...CI_PREAMBLE, IN_CI[install ?? ""], ...test]);
}

const snippets = allSnippets();
const where = (s: Snippet) => `${s.doc}:${s.line}`;

function filesUnder(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts|js)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The test sources (this harness excluded: naming a file here must not count as running it). */
const testSources = filesUnder("test")
  .filter((file) => !file.startsWith(join(REPO_ROOT, "test", "docs", "snippets")))
  .map((file) => ({ file, text: readFileSync(file, "utf8") }));

/** A file is run by the tests when it is a test, or a test names it or the program folder holding it. */
function runByTests(path: string): boolean {
  if (/^test\/.+\.test\.ts$/.test(path)) return true;
  const folder = dirname(path);
  const names = folder.includes("/") ? [path, folder] : [path];
  return testSources.some(({ text }) => names.some((name) => text.includes(`"${name}`)));
}

describe("the block parser", () => {
  it("reads markers, fences of both kinds, indented blocks, and reports unmarked and malformed ones", () => {
    const doc = [
      "<!-- snippet: run=a -->",
      "",
      "```sh",
      "echo a",
      "```",
      "```ts",
      "const unmarked = 1;",
      "```",
      "- item",
      "",
      "  <!-- snippet: file=x/y.ts -->",
      "  ~~~ts",
      "  const nested = 2;",
      "    indented();",
      "  ~~~",
      "<!-- snippet: runs=b -->",
      "````md",
      "```",
      "````",
    ].join("\n");
    expect(parseSnippets("doc.md", doc)).toEqual([
      { doc: "doc.md", line: 3, lang: "sh", text: "echo a\n", marker: { kind: "run", value: "a" } },
      { doc: "doc.md", line: 6, lang: "ts", text: "const unmarked = 1;\n" },
      {
        doc: "doc.md",
        line: 12,
        lang: "ts",
        text: "const nested = 2;\n  indented();\n",
        marker: { kind: "file", value: "x/y.ts" },
      },
      { doc: "doc.md", line: 17, lang: "md", text: "```\n", malformed: "<!-- snippet: runs=b -->" },
    ]);
  });
});

describe("documentation code blocks", () => {
  it("found blocks in every document", () => {
    const docs = new Set(snippets.map((s) => s.doc));
    expect(docs).toContain("README.md");
    expect(docs).toContain("emulator/README.md");
    expect([...docs].filter((doc) => doc.startsWith("docs/")).length).toBeGreaterThan(0);
  });

  it("every block carries a snippet marker", () => {
    const unmarked = snippets
      .filter((s) => !s.marker)
      .map((s) => `${where(s)} ${s.malformed ?? "(no marker)"}`);
    expect(unmarked).toEqual([]);
  });

  it("every run= id is in the registry, used by exactly one block, and every registry id is used", () => {
    const ids = snippets.flatMap((s) => (s.marker?.kind === "run" ? [s.marker.value] : []));
    expect(
      ids.filter((id) => !(id in RUNNERS)),
      "unknown run ids",
    ).toEqual([]);
    expect(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      "ids used twice",
    ).toEqual([]);
    expect(
      Object.keys(RUNNERS).filter((id) => !ids.includes(id)),
      "registry ids no block uses",
    ).toEqual([]);
  });

  it("every test the registry names exists, is a test, and reads its block by id", () => {
    const missing = Object.entries(RUNNERS).flatMap(([id, runner]) => {
      if (!("test" in runner)) return [];
      const file = join(REPO_ROOT, runner.test);
      if (!/\.test\.ts$/.test(runner.test) || !existsSync(file))
        return [`${id}: ${runner.test} is not a test`];
      return readFileSync(file, "utf8").includes(`snippet("${id}")`) ? [] : [`${id}: ${runner.test}`];
    });
    expect(missing).toEqual([]);
  });

  const fileBlocks = snippets.filter((s) => s.marker?.kind === "file");
  it.each(fileBlocks.map((s) => [where(s), s] as const))(
    "%s appears verbatim in a file the tests run",
    (_, s) => {
      const path = s.marker?.value ?? "";
      const file = join(REPO_ROOT, path);
      expect(existsSync(file), `${path} exists`).toBe(true);
      expect(readFileSync(file, "utf8").replace(/\r\n/g, "\n")).toContain(s.text);
      expect(runByTests(path), `${path} (or its program folder) is run by a test`).toBe(true);
    },
  );

  const hereBlocks = snippets.filter((s) => {
    const runner = s.marker?.kind === "run" ? RUNNERS[s.marker.value] : undefined;
    return runner !== undefined && "here" in runner;
  });
  it.each(hereBlocks.map((s) => [`${s.marker?.value} (${where(s)})`, s] as const))(
    "run=%s executes as written",
    async (_, s) => {
      const runner = RUNNERS[s.marker?.value ?? ""] as ExecutedHere;
      await runner.here(s);
    },
    30_000,
  );
});

/** examples/gitops/README.md's layout: each listed file exists in the example. */
async function gitopsLayout(block: Snippet): Promise<void> {
  const listed = block.text
    .split("\n")
    .map((line) => line.trim().split(/\s+/)[0] ?? "")
    .filter(Boolean);
  expect(listed.length).toBeGreaterThan(3);
  for (const path of listed) expect(existsSync(join(REPO_ROOT, "examples", "gitops", path)), path).toBe(true);
}

/** The URL the receiver README's start command gives the receiver. */
function receiverUrl(start: Snippet): string {
  const url = /^WEBHOOK_URL=(\S+) /m.exec(start.text)?.[1];
  expect(url, "the start command sets WEBHOOK_URL").toBeDefined();
  return url ?? "";
}

describe("examples/receiver/README.md", () => {
  it("starts the receiver with the URL of the quickstart's webhook, whose outputs it reads", () => {
    const quickstart = readFileSync(join(REPO_ROOT, "examples", "quickstart", "index.ts"), "utf8");
    const urls = [...quickstart.matchAll(/\burl: "([^"]+)"/g)].map((match) => match[1]);
    expect(urls).toHaveLength(1);
    const readme = readFileSync(join(REPO_ROOT, "examples", "receiver", "README.md"), "utf8");
    expect(readme).toContain("](../quickstart/index.ts)");
    expect(receiverUrl(snippet("receiver-start"))).toBe(urls[0]);
  });
});

/**
 * examples/receiver/README.md: the start command, run by bash as written with a stand-in
 * `pulumi` answering `stack output` as Pulumi 3.274 prints (a null output as `null`), and on a
 * free port instead of 8080. Before the first rotation (previousSecret and secretRotatedAt
 * null): one delivery shaped like the documented log's first line and one with a wrong signature,
 * whose log lines must match the documented ones but for the time and the address, and one
 * signed with the key `null`, refused. After a rotation: the old key is accepted as previous.
 */
let receiverRun: Promise<void> | undefined;
function receiverChecked(): Promise<void> {
  receiverRun ??= checkReceiver(snippet("receiver-start"), snippet("receiver-log"));
  return receiverRun;
}

interface RunningReceiver {
  send(secret: string): Promise<number>;
  output(): string;
  stop(): void;
}

async function startReceiver(start: Snippet, outputs: Record<string, unknown>): Promise<RunningReceiver> {
  const url = receiverUrl(start);
  const fakeBin = join(REPO_ROOT, "test", "docs", "fake-bin");
  const server = await startDocumentedServer(start, {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PATH: [fakeBin, join(REPO_ROOT, "node_modules", ".bin"), process.env.PATH ?? ""].join(":"),
      FAKE_PULUMI_OUTPUTS: JSON.stringify(outputs),
      HOST: "127.0.0.1",
    },
  });
  const send = async (secret: string) => {
    const body = JSON.stringify({ $id: "u1" });
    const response = await request(`http://127.0.0.1:${server.port}${new URL(url).pathname}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-appwrite-webhook-signature": createHmac("sha1", secret).update(url).update(body).digest("base64"),
        "x-appwrite-webhook-id": "wh1",
        "x-appwrite-webhook-project-id": "demo",
        "x-appwrite-webhook-events": "users.u1.create,users.*.create",
      },
      body,
    });
    await response.body.text();
    return response.statusCode;
  };
  return { send, output: server.output, stop: server.stop };
}

const deliveryLines = (output: string) =>
  output.split("\n").filter((line) => /^\S+Z (verified|rejected)/.test(line));

async function checkReceiver(start: Snippet, log: Snippet): Promise<void> {
  const current = "current-key-1";
  // A stack before its first rotation: previousSecret and secretRotatedAt are null.
  const fresh = await startReceiver(start, { secret: current, previousSecret: null, secretRotatedAt: null });
  try {
    expect(await fresh.send(current)).toBe(200);
    expect(await fresh.send("some-other-key")).toBe(401);
    const mask = (line: string) => line.replace(/^\S+Z /, "<time> ").replace(/from \S+$/, "from <address>");
    const expected = commandLines(log.text).map(mask);
    await expect.poll(() => deliveryLines(fresh.output()).map(mask)).toEqual(expected);
    // What plain `pulumi stack output previousSecret --show-secrets` prints, `null`, is no key:
    // a plain mismatch, not a previous key held (previous-expired) or accepted.
    expect(await fresh.send("null")).toBe(401);
    await expect
      .poll(() => deliveryLines(fresh.output()).map(mask)[2])
      .toBe("<time> rejected 401 invalid_signature (mismatch) from <address>");
    expect(fresh.output()).not.toContain(current);
  } finally {
    fresh.stop();
  }
  // After a rotation: the old key is still accepted, as the previous one.
  const rotated = await startReceiver(start, {
    secret: "rotated-key-2",
    previousSecret: current,
    secretRotatedAt: new Date().toISOString(),
  });
  try {
    expect(await rotated.send(current)).toBe(200);
    expect(await rotated.send("rotated-key-2")).toBe(200);
    await expect
      .poll(() => deliveryLines(rotated.output()).map((line) => /key=(\w+)/.exec(line)?.[1]))
      .toEqual(["previous", "current"]);
  } finally {
    rotated.stop();
  }
}
