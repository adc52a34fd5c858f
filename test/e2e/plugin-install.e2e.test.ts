/**
 * The plugin installed as users install a provider: `npm run build:plugin` packs the linux-amd64
 * single executable, `pulumi plugin install resource appwrite-webhooks v<version> --file <tarball>`
 * puts it in a fresh PULUMI_HOME, and examples/yaml runs against the emulator with PATH holding
 * only the Pulumi CLI and the YAML language host: no Node, no plugin on PATH. It creates, previews,
 * rotates, imports a webhook made by hand, and destroys.
 */
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import {
  PLUGIN_NAME,
  REPO_ROOT,
  WORK_ROOT,
  backendText,
  openStack,
  provisionEngine,
  type StackFixture,
} from "../support/engine";
import { outputs } from "./fixture";
import { createOutsidePulumi, requestsDuring } from "../support/outside-pulumi";
import { commandLines, snippet } from "../docs/snippets";

const run = promisify(execFile);
const PROJECT = "installed";
const API_KEY = "standard_installed-key-3e8a91c4";
const { version: VERSION } = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  version: string;
};
const TARBALL = join("dist", "plugin", `${PLUGIN_NAME}-v${VERSION}-linux-amd64.tar.gz`);
/** The README's two commands: build the linux-amd64 archive, and install it as users do. */
const [build, install] = commandLines(snippet("plugin-install").text);

let emulator: Emulator;
let scratch: string;
let binDir: string;
let pulumiHome: string;
let fixture: StackFixture | undefined;
/** Everything the CLI printed (stdout and stderr) in this file, for the PATH-warning check. */
const printed: string[] = [];

/** Runs the CLI as a user would, with only the two binaries on PATH. */
async function pulumi(args: string[], cwd = scratch, extraEnv: Record<string, string> = {}): Promise<string> {
  const { stdout, stderr } = await run(join(binDir, "pulumi"), args, {
    cwd,
    env: { ...fixture?.env, ...extraEnv, PATH: binDir, PULUMI_HOME: pulumiHome },
    maxBuffer: 64 * 1024 * 1024,
  });
  printed.push(stdout, stderr);
  return stdout + stderr;
}

const inStack = (args: string[]) => {
  if (!fixture) throw new Error("no stack");
  return pulumi([...args, "--stack", fixture.stack.name], fixture.workDir);
};

beforeAll(async () => {
  const engineBin = await provisionEngine();
  // What is installed is what the README's build command builds, from this tree.
  expect(build).toBe("npm run build:plugin -- linux-amd64");
  await run("npm", ["run", "--silent", "build:plugin", "--", "linux-amd64"], { cwd: REPO_ROOT });
  mkdirSync(WORK_ROOT, { recursive: true });
  scratch = mkdtempSync(join(WORK_ROOT, "plugin-install-"));
  binDir = join(scratch, "bin");
  pulumiHome = join(scratch, "pulumi-home");
  mkdirSync(binDir);
  for (const name of ["pulumi", "pulumi-language-yaml"])
    symlinkSync(join(engineBin, name), join(binDir, name));
  emulator = await startEmulator({ projects: [{ id: PROJECT, keys: [{ key: API_KEY }] }] });
});

afterAll(async () => {
  try {
    if (fixture) {
      // Clean-up after a failed case: nothing to review, so no preview.
      await inStack(["destroy", "--yes", "--skip-preview"]).catch(() => undefined);
      fixture.discard();
    }
    await emulator?.close();
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
});

describe("the single-executable plugin, installed from its tarball", () => {
  let firstKey: string;

  it("installs with `pulumi plugin install --file` into a fresh PULUMI_HOME", async () => {
    expect(existsSync(join(pulumiHome, "plugins"))).toBe(false);
    expect(install).toBe(`pulumi plugin install resource appwrite-webhooks v${VERSION} --file ${TARBALL}`);
    const [, ...args] = (install ?? "").split(" ");
    await pulumi(args, REPO_ROOT);
    const installed = join(pulumiHome, "plugins", `resource-appwrite-webhooks-v${VERSION}`, PLUGIN_NAME);
    expect(existsSync(installed)).toBe(true);
    const listed = await pulumi(["plugin", "ls"]);
    expect(listed).toMatch(new RegExp(`appwrite-webhooks\\s+resource\\s+${VERSION.replace(/\./g, "\\.")}`));
  });

  it("create: one POST; the key is a secret output and the checkpoint holds no plain-text key", async () => {
    fixture = await openStack({
      program: "examples/yaml",
      stackName: "installed",
      config: {
        "appwrite-webhooks:endpoint": emulator.endpoint,
        "appwrite-webhooks:projectId": PROJECT,
      },
      secretConfig: { "appwrite-webhooks:apiKey": API_KEY },
      env: { PATH: binDir, PULUMI_HOME: pulumiHome },
    });
    const methods = await requestsDuring(emulator, () => inStack(["up", "--yes"]));
    expect(methods).toEqual(["POST"]);
    const [webhook] = emulator.webhooks(PROJECT);
    expect(webhook).toMatchObject({ name: "Orders", url: "https://hooks.example.com/appwrite" });
    const out = await outputs(fixture.stack);
    expect(out.webhookId).toEqual({ value: webhook?.$id, secret: false });
    expect(out.signingKey).toEqual({ value: webhook?.secret, secret: true });
    firstKey = String(webhook?.secret);
    expect(firstKey.length).toBeGreaterThan(0);
    const stored = backendText(fixture);
    expect(stored).toContain("ciphertext");
    expect(stored.includes(firstKey), "signing key in plain text").toBe(false);
    expect(stored.includes(API_KEY), "API key in plain text").toBe(false);
  });

  it("a no-change `pulumi preview` makes 0 requests to the emulator", async () => {
    emulator.resetCounters();
    const preview = await inStack(["preview", "--diff"]);
    expect(preview).toMatch(/2 unchanged/);
    expect(emulator.counters().total ?? 0).toBe(0);
  });

  it("a rotation sends one PATCH; the new key is a secret output and the old one stays in previousSecret", async () => {
    if (!fixture) throw new Error("no stack");
    await fixture.stack.setConfig("rotation", { value: "2" });
    const methods = await requestsDuring(emulator, () => inStack(["up", "--yes"]));
    expect(methods).toEqual(["PATCH"]);
    const key = String(emulator.webhooks(PROJECT)[0]?.secret);
    expect(key).not.toBe(firstKey);
    const out = await outputs(fixture.stack);
    expect(out.signingKey).toEqual({ value: key, secret: true });
    expect(out.previousSigningKey).toEqual({ value: firstKey, secret: true });
    const stored = backendText(fixture);
    expect(stored.includes(key), "new signing key in plain text").toBe(false);
    expect(stored.includes(firstKey), "old signing key in plain text").toBe(false);
  });

  it("`pulumi import` adopts a webhook made outside Pulumi, reading it only, and prints its YAML", async () => {
    await createOutsidePulumi(emulator, PROJECT, API_KEY, {
      webhookId: "made-by-hand",
      name: "By hand",
      url: "https://hooks.example.com/by-hand",
      events: ["users.*.create"],
      enabled: true,
      tls: true,
    });
    let printedCode = "";
    const methods = await requestsDuring(emulator, async () => {
      printedCode = await inStack([
        "import",
        "appwrite-webhooks:index:Webhook",
        "byHand",
        "made-by-hand",
        "--yes",
        "--protect=false",
      ]);
    });
    // Like `up`, `import` previews first: the engine reads the webhook once in each phase.
    expect(methods).toEqual(["GET", "GET"]);
    // The YAML host writes the resource the user pastes into the program.
    const code = printedCode.slice(printedCode.indexOf("resources:"));
    expect(code).toMatch(/type: appwrite-webhooks:Webhook/);
    expect(code).toMatch(/url: https:\/\/hooks\.example\.com\/by-hand/);
    expect(code).toMatch(/webhookId: made-by-hand/);
    // The connection stays the provider's, and arguments at their defaults are left out.
    expect(code).not.toMatch(/endpoint:|projectId:|adopt:|eventValidation:|enabled:/);
    const imported = JSON.parse(await inStack(["stack", "export", "--show-secrets=false"])) as {
      deployment: { resources: { type: string; id?: string; outputs?: Record<string, unknown> }[] };
    };
    const record = imported.deployment.resources.find((r) => r.id === "made-by-hand");
    expect(record?.type).toBe("appwrite-webhooks:index:Webhook");
    // Appwrite never returns a signing key: an import cannot know it, and says so.
    expect(record?.outputs).toMatchObject({ webhookId: "made-by-hand", secretSource: "unknown" });
  });

  it("destroy deletes both webhooks", async () => {
    const methods = await requestsDuring(emulator, () => inStack(["destroy", "--yes"]));
    expect(methods).toEqual(["DELETE", "DELETE"]);
    expect(emulator.webhooks(PROJECT)).toEqual([]);
  });

  it("the engine never fell back to a plugin on PATH", () => {
    const all = printed.join("\n");
    expect(all.length).toBeGreaterThan(0);
    // The engine's warning is "using <plugin> from $PATH at <path>".
    expect(all).not.toMatch(/from \$PATH/);
  });

  it("a release server holding the archive under its own name serves `pulumi plugin install` without --file", async () => {
    // The engine fetches <server>/pulumi-resource-<name>-v<version>-<os>-<arch>.tar.gz from a
    // plugin download URL; a local HTTP server stands in for the GitHub release.
    const served: string[] = [];
    const server = createServer((request, response) => {
      served.push(request.url ?? "");
      const name = basename(request.url ?? "");
      if (name !== basename(TARBALL)) return void response.writeHead(404).end();
      // The engine checks the length it was announced, as a release host sends it.
      const length = statSync(join(REPO_ROOT, TARBALL)).size;
      response.writeHead(200, { "content-type": "application/gzip", "content-length": length });
      createReadStream(join(REPO_ROOT, TARBALL)).pipe(response);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const home = join(scratch, "home-from-release");
    try {
      await run(
        join(binDir, "pulumi"),
        [
          "plugin",
          "install",
          "resource",
          "appwrite-webhooks",
          `v${VERSION}`,
          "--server",
          `http://127.0.0.1:${port}/`,
        ],
        { env: { PATH: binDir, PULUMI_HOME: home } },
      );
    } finally {
      server.close();
    }
    expect(served.map((url) => basename(url))).toContain(basename(TARBALL));
    expect(existsSync(join(home, "plugins", `resource-appwrite-webhooks-v${VERSION}`, PLUGIN_NAME))).toBe(
      true,
    );
  });

  it("control: the same executable found on PATH instead draws that warning", async () => {
    const pathPlugins = join(scratch, "path-plugins");
    mkdirSync(pathPlugins);
    symlinkSync(
      join(pulumiHome, "plugins", `resource-appwrite-webhooks-v${VERSION}`, PLUGIN_NAME),
      join(pathPlugins, PLUGIN_NAME),
    );
    const otherHome = join(scratch, "home-without-plugin");
    const { stdout, stderr } = await run(join(binDir, "pulumi"), ["preview", "--stack", "installed"], {
      cwd: fixture?.workDir,
      env: { ...fixture?.env, PATH: `${binDir}:${pathPlugins}`, PULUMI_HOME: otherHome },
    });
    expect(stdout + stderr).toMatch(/from \$PATH/);
  });
});
