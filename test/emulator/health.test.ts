/**
 * The routes real clients call before anything else. Expected values come from Appwrite
 * 1.9.6's source and from the real appwrite-cli 12.0.1 binary (a devDependency):
 * - GET /v1/health/version: src/Appwrite/Platform/Modules/Health/Http/Health/Version/Get.php
 *   (scope `public`, `$response->dynamic(new Document(['version' => APP_VERSION_STABLE]),
 *   MODEL_HEALTH_VERSION)`), the model's one rule `version`
 *   (src/Appwrite/Utopia/Response/Model/HealthVersion.php), APP_VERSION_STABLE = '1.9.6'
 *   (app/init/constants.php line 54), JSON as `application/json; charset=UTF-8`;
 * - project keys lack `public`: the keys role has only global, health.read and graphql
 *   (app/config/roles.php, User::ROLE_KEYS), and app/controllers/shared/api.php step 9
 *   refuses a route whose scope the caller lacks;
 * - `appwrite client --endpoint …` calls GET /health/version as the console project without
 *   a key, and refuses the endpoint unless the answer has a version
 *   (node_modules/appwrite-cli/lib/commands/generic.js). node-appwrite calls nothing on
 *   connect, so that is the only route a client needs first.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";

const ROOT = resolve(__dirname, "../..");
const CLI = join(ROOT, "node_modules", "appwrite-cli", "index.js");
const PROJECT = "health";
const KEY = "health-key";

let emulator: Emulator;
const homes: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ projects: [{ id: PROJECT, keys: [{ key: KEY }] }] });
});
afterAll(async () => {
  await emulator.close();
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

const version = (headers: Record<string, string>) =>
  fetch(`${emulator.endpoint}/health/version`, { headers });

describe("GET /v1/health/version", () => {
  it('answers {"version":"1.9.6"} without authentication, as the console or a project', async () => {
    const callers: Array<Record<string, string>> = [
      {},
      { "x-appwrite-project": "console" },
      { "x-appwrite-project": PROJECT },
    ];
    for (const headers of callers) {
      const response = await version(headers);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json; charset=UTF-8");
      expect(await response.text()).toBe('{"version":"1.9.6"}');
    }
  });

  it("refuses a project key (no `public` scope) and an unknown project, as Appwrite's checks do", async () => {
    const keyed = await version({ "x-appwrite-project": PROJECT, "x-appwrite-key": KEY });
    expect(keyed.status).toBe(401);
    expect(await keyed.json()).toMatchObject({
      type: "general_unauthorized_scope",
      message: expect.stringContaining('missing scopes (["public"])') as unknown,
    });
    const unknown = await version({ "x-appwrite-project": "no-such-project" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: "project_not_found" });
  });
});

interface CliRun {
  code: number | null;
  output: string;
  home: string;
}

/** The real CLI, with HOME and the working directory in an ignored folder of its own. */
function appwriteClient(endpoint: string): Promise<CliRun> {
  mkdirSync(join(ROOT, ".work"), { recursive: true });
  const home = mkdtempSync(join(ROOT, ".work", "appwrite-cli-"));
  homes.push(home);
  const args = [CLI, "client", "--endpoint", endpoint, "--project-id", PROJECT, "--key", KEY];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: home,
      env: { PATH: process.env["PATH"] ?? "", HOME: home, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, output, home }));
  });
}

describe("appwrite-cli 12.0.1", () => {
  it("configures against the emulator with `appwrite client --endpoint --project-id --key`", async () => {
    emulator.reset();
    const run = await appwriteClient(emulator.endpoint);
    expect(run.output).not.toMatch(/Invalid endpoint/);
    expect(run.code, run.output).toBe(0);
    // The session the CLI keeps: prefs.json names the current one.
    const prefs = JSON.parse(readFileSync(join(run.home, ".appwrite", "prefs.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(prefs[String(prefs["current"])]).toMatchObject({ endpoint: emulator.endpoint, key: KEY });
    // The project lands in the CLI's project file in its own working directory, nowhere else.
    const projectFile = ["appwrite.config.json", "appwrite.json"].find((name) =>
      existsSync(join(run.home, name)),
    );
    expect(projectFile).toBeDefined();
    expect(readFileSync(join(run.home, projectFile as string), "utf8")).toContain(
      `"projectId": "${PROJECT}"`,
    );
    const calls = emulator.requests().filter((r) => r.path === "/v1/health/version");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ status: 200, projectId: "console" });
    expect(calls[0]?.userAgent).toMatch(/^AppwriteCLI\/12\.0\.1 /);
  });

  it("refuses an endpoint whose /health/version is a 404 (the check this guards)", async () => {
    const run = await appwriteClient(`${emulator.endpoint}/not-appwrite`);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/Invalid endpoint/);
  });
});
