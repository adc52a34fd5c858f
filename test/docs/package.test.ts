/**
 * The package as a consumer gets it from `npm pack`, beside the packed receiver package it depends
 * on: the types of every entry of both resolve under the node10, node16 and bundler resolutions,
 * examples/quickstart type-checks with TypeScript 5 and 6, the emulator README's example runs from
 * the installed package, the README and the docs/ pages link only to files the package ships, and
 * `npm install` on a fresh clone leaves the lockfile as it is.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, WORK_ROOT } from "../support/engine";
import { relativeLinkPaths } from "./links";
import { QUICKSTART, TOOL_PATH, installConsumer, readJson, shippedFiles } from "./consumer";
import { documentationPages, snippet } from "./snippets";

const exec = promisify(execFile);
const TSC5 = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");

let consumer: string;
let tsc6: string;

beforeAll(async () => {
  ({ dir: consumer } = await installConsumer("consumer-types"));
  tsc6 = join(consumer, "node_modules", "typescript", "bin", "tsc");
}, 180_000);
afterAll(() => {
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

async function tsc(compiler: string, project: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [compiler, "-p", project], { cwd: consumer });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

async function version(compiler: string): Promise<string> {
  const { stdout } = await exec(process.execPath, [compiler, "--version"]);
  return stdout.trim();
}

/**
 * The receiver entries, under the root package (kept for existing imports) and under the receiver
 * package: per subpath, a call that must type-check and one that must not.
 */
const RECEIVER_SUBPATHS = [
  {
    subpath: "",
    valid: 'verifyWebhookSignature({ url: "u", rawBody: "", signature: "s", secrets: "k" }).ok',
    invalid: 'verifyWebhookSignature({ url: 1, rawBody: "", signature: "s", secrets: "k" })',
  },
  {
    subpath: "/web",
    valid: 'signWebhookPayload({ url: "u", rawBody: new Uint8Array(0), secret: "k" })',
    invalid: 'signWebhookPayload("u")',
  },
  {
    subpath: "/fetch",
    valid: 'createFetchHandler({ url: "u", secrets: "k", onEvent: () => undefined })',
    invalid: 'createFetchHandler({ url: "u", secrets: "k" })',
  },
  {
    subpath: "/hono",
    valid: 'honoWebhook({ url: "u", secrets: "k", onEvent: () => undefined })',
    invalid: 'honoWebhook({ url: "u", secrets: 1, onEvent: () => undefined })',
  },
  {
    subpath: "/express",
    valid: 'expressWebhook({ url: "u", secrets: "k", onEvent: () => undefined })',
    invalid: 'expressWebhook({ url: "u", secrets: "k", maxBodyBytes: "1mb", onEvent: () => undefined })',
  },
  {
    subpath: "/fastify",
    valid: 'fastifyWebhook({ path: "/hook", url: "u", secrets: "k", onEvent: () => undefined })',
    invalid: 'fastifyWebhook({ path: 1, url: "u", secrets: "k", onEvent: () => undefined })',
  },
] as const;

function receiverEntryLines(): { imports: string[]; uses: string[] } {
  const imports: string[] = [];
  const uses: string[] = [];
  for (const [prefix, pkg] of [
    ["root", "pulumi-appwrite-webhooks"],
    ["receiver", "appwrite-webhooks-receiver"],
  ] as const) {
    for (const { subpath, valid, invalid } of RECEIVER_SUBPATHS) {
      const name = `${prefix}${subpath.replace("/", "_")}_entry`;
      imports.push(`import * as ${name} from "${pkg}${subpath}";`);
      uses.push(
        `export const ${name}_valid = ${name}.${valid};`,
        `// @ts-expect-error: ${pkg}${subpath} is typed`,
        `void ${name}.${invalid};`,
      );
    }
  }
  return { imports, uses };
}

/**
 * A file importing every entry of the package, and every entry of the receiver package. Each
 * `@ts-expect-error` fails the check if the import resolved to an untyped module, so the check
 * cannot pass on `any`.
 */
function entriesFile(): string {
  const receiver = receiverEntryLines();
  const block = snippet("emulator-readme").text;
  const imports = block.split("\n").filter((line) => line.startsWith("import "));
  const body = block.split("\n").filter((line) => !line.startsWith("import "));
  return [
    ...imports,
    'import * as root from "pulumi-appwrite-webhooks";',
    'import * as runtime from "pulumi-appwrite-webhooks/runtime";',
    'import * as emulatorEntry from "pulumi-appwrite-webhooks/emulator";',
    'import * as pluginEntry from "pulumi-appwrite-webhooks/plugin";',
    'import * as policyEntry from "pulumi-appwrite-webhooks/policy";',
    ...receiver.imports,
    "",
    "// The emulator README's example, its statements in a function (node10 allows no top-level await).",
    "export async function readmeExample(): Promise<void> {",
    ...body.map((line) => (line ? `  ${line}` : line)),
    "}",
    "",
    'export const args: root.WebhookArgs = { name: "n", url: "https://hooks.example.com/x", events: ["users.*"] };',
    "export const packageVersion: string = runtime.PACKAGE_VERSION;",
    "export function start(): Promise<emulatorEntry.Emulator> {",
    "  // @ts-expect-error: the port is a number",
    '  return emulatorEntry.startEmulator({ port: "4000" });',
    "}",
    "// @ts-expect-error: events are strings",
    'export const wrong: root.WebhookArgs = { name: "n", url: "https://hooks.example.com/x", events: [1] };',
    "// @ts-expect-error: check takes two property bags",
    "void runtime.check();",
    "// The plugin door's classes under the schema's names, as `pulumi import` prints them.",
    "export type PluginWebhook = pluginEntry.Webhook;",
    "export const pluginArgs: ConstructorParameters<typeof pluginEntry.Webhook>[1] = args;",
    "// The set through the plugin takes the dynamic set's args, under both names.",
    'export const setArgs: root.WebhookSetArgs = { webhooks: { a: { name: "n", url: "https://hooks.example.com/x", events: ["users.*"] } } };',
    "export const pluginSetArgs: ConstructorParameters<typeof pluginEntry.WebhookSet>[1] = setArgs;",
    "export const nativeSet: typeof root.NativeWebhookSet = pluginEntry.WebhookSet;",
    "// @ts-expect-error: an entry takes no connection of its own",
    'export const entryApiKey: root.WebhookSetEntryArgs = { name: "n", url: "https://hooks.example.com/x", events: [], apiKey: "k" };',
    "// The policy pack's rules, for a pack of one's own.",
    "export const policyNames: string[] = policyEntry.webhookPolicies.map((policy) => policy.name);",
    "// @ts-expect-error: the clock is a function",
    "void policyEntry.createWebhookPolicies({ now: new Date() });",
    "// @ts-expect-error: the provider's timeout is a number",
    'export const pluginProvider: pluginEntry.ProviderArgs = { httpTimeoutSeconds: "30" };',
    ...receiver.uses,
    "",
  ].join("\n");
}

const RESOLUTIONS = {
  node10: { module: "commonjs", moduleResolution: "node10" },
  node16: { module: "node16", moduleResolution: "node16" },
  bundler: { module: "esnext", moduleResolution: "bundler" },
} as const;

function writeProject(name: string, resolution: keyof typeof RESOLUTIONS): string {
  writeFileSync(join(consumer, "entries.ts"), entriesFile());
  const file = join(consumer, `tsconfig.${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: "ES2022",
        ...RESOLUTIONS[resolution],
        types: ["node"],
        skipLibCheck: true,
        noEmit: true,
      },
      files: ["index.ts", "entries.ts"],
    }),
  );
  return file;
}

describe("types of the packed package", () => {
  it.each(["node10", "node16", "bundler"] as const)(
    "resolve for every entry, the receiver package's too, under moduleResolution %s (TypeScript 5)",
    async (resolution) => {
      expect(await version(TSC5)).toMatch(/^Version 5\./);
      const result = await tsc(TSC5, writeProject(`ts5-${resolution}`, resolution));
      expect(result.output).toBe("");
      expect(result.code).toBe(0);
    },
    60_000,
  );

  it.each(["node16", "bundler"] as const)(
    "resolve under moduleResolution %s (TypeScript 6)",
    async (resolution) => {
      expect(await version(tsc6)).toMatch(/^Version 6\./);
      const result = await tsc(tsc6, writeProject(`ts6-${resolution}`, resolution));
      expect(result.output).toBe("");
      expect(result.code).toBe(0);
    },
    60_000,
  );
});

describe("the quickstart example", () => {
  it("type-checks with its own tsconfig under TypeScript 5 and 6", async () => {
    for (const compiler of [TSC5, tsc6]) {
      const result = await tsc(compiler, join(consumer, "tsconfig.json"));
      expect({ compiler: await version(compiler), ...result }).toMatchObject({ output: "", code: 0 });
    }
  }, 60_000);

  it("declares a TypeScript range that @pulumi/pulumi accepts (its peer range), and Node as the package does", () => {
    const quickstart = readJson<{ devDependencies: Record<string, string> }>(
      join(REPO_ROOT, QUICKSTART, "package.json"),
    );
    const pulumi = readJson<{ peerDependencies: Record<string, string>; engines: { node: string } }>(
      join(consumer, "node_modules", "@pulumi", "pulumi", "package.json"),
    );
    const own = readJson<{ engines: { node: string } }>(join(REPO_ROOT, "package.json"));
    expect(pulumi.peerDependencies.typescript).toMatch(/< ?7/);
    expect(quickstart.devDependencies.typescript).toMatch(/^\^6\./);
    expect(own.engines.node).toBe(pulumi.engines.node);
  });
});

describe("the policy pack", () => {
  it("ships as a folder --policy-pack loads from the installed package, serving the rules of pulumi-appwrite-webhooks/policy", async () => {
    const pack = join(consumer, "node_modules", "pulumi-appwrite-webhooks", "policy-pack");
    expect(readFileSync(join(pack, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
    // The folder's loader requires the built pack beside it, in the installed package.
    const loader = readFileSync(join(pack, "index.js"), "utf8");
    const target = /require\("([^"]+)"\)/.exec(loader)?.[1] ?? "";
    expect(existsSync(join(pack, target)), target).toBe(true);
    const script = [
      'const { webhookPolicies } = require("pulumi-appwrite-webhooks/policy");',
      "process.stdout.write(webhookPolicies.map((p) => p.name).join(' '));",
    ].join("\n");
    const { stdout } = await exec(process.execPath, ["-e", script], { cwd: consumer, timeout: 20_000 });
    expect(stdout.split(" ")).toHaveLength(6);
  }, 30_000);
});

describe("the emulator README's example", () => {
  it("runs from the installed package", async () => {
    const file = join(consumer, "emulator-readme.mjs");
    writeFileSync(file, snippet("emulator-readme").text);
    const { stdout, stderr } = await exec(process.execPath, [file], { cwd: consumer, timeout: 20_000 });
    expect({ stdout, stderr }).toEqual({ stdout: "", stderr: "" });
  }, 30_000);
});

describe("package hygiene", () => {
  it("ships the Apache-2.0 text it declares, and names its repository", () => {
    const manifest = readJson<{ license: string; repository?: { type: string; url: string } }>(
      join(REPO_ROOT, "package.json"),
    );
    expect(manifest.license).toBe("Apache-2.0");
    const license = readFileSync(join(REPO_ROOT, "LICENSE"), "utf8");
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain("END OF TERMS AND CONDITIONS");
    expect(manifest.repository).toMatchObject({
      type: "git",
      url: expect.stringMatching(/^git\+https:\/\/github\.com\//),
    });
  });

  it("every relative link of README.md and the docs/ pages points at a file the package ships", async () => {
    const shipped = new Set(await shippedFiles());
    expect(shipped.has("LICENSE")).toBe(true);
    const pages = documentationPages();
    expect(pages.filter((page) => !shipped.has(page))).toEqual([]);
    const missing = pages.flatMap((page) =>
      relativeLinkPaths(page)
        .filter((path) => !shipped.has(path) && ![...shipped].some((file) => file.startsWith(`${path}/`)))
        .map((path) => `${page}: ${path}`),
    );
    expect(missing).toEqual([]);
  }, 60_000);

  it("npm install on a fresh clone leaves package-lock.json unchanged", async () => {
    const clone = mkdtempSync(join(WORK_ROOT, "lockfile-"));
    // Every workspace's manifest too: the lockfile records them, with their dependencies.
    const { workspaces = [] } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      workspaces?: string[];
    };
    expect(workspaces.length).toBeGreaterThan(0);
    for (const workspace of workspaces) mkdirSync(join(clone, workspace), { recursive: true });
    for (const file of ["package.json", "package-lock.json", ...workspaces.map((w) => `${w}/package.json`)])
      cpSync(join(REPO_ROOT, file), join(clone, file));
    await exec("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], {
      cwd: clone,
      env: { ...process.env, PATH: TOOL_PATH },
    });
    try {
      expect(readFileSync(join(clone, "package-lock.json"), "utf8")).toBe(
        readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8"),
      );
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  }, 120_000);
});
