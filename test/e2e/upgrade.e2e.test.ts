/**
 * A provider upgrade reaches existing resources without a replace: `__provider` in state is a
 * shim that loads the runtime by package name, so refresh and delete run whatever version of
 * the package is installed now. The test installs a copy of the package for a program outside
 * the repository, runs `up`, "upgrades" the copy (its version marker changes), then shows
 * that refresh and destroy ran the new code: the emulator saw the new User-Agent.
 *
 * State written by 0.1.0 holds another `__provider`: the closure-serialized shim (kept as a
 * fixture, byte for byte as 0.1.0 stored it), which calls the runtime's named exports. A stack
 * whose state holds it must keep working with this version.
 */
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, expect, it } from "vitest";
import { REPO_ROOT, engineEnv, provisionEngine, upWithPreview } from "../support/engine";
import { API_KEY, PROJECT, declare, quiet, startWorld, url, webhookStack, type World } from "./fixture";

let world: World;
let sandbox: string;

beforeAll(async () => {
  await provisionEngine();
  world = await startWorld();
  sandbox = mkdtempSync(join(tmpdir(), "upgrade-"));
});
afterAll(async () => {
  await world.close();
  rmSync(sandbox, { recursive: true, force: true });
});

/** A consumer project: the test program, the package copied into node_modules, its dependencies linked. */
function installConsumer(): { program: string; packageJson: string } {
  const program = join(sandbox, "program");
  cpSync(join(REPO_ROOT, "test/e2e/programs/webhooks"), program, { recursive: true });
  const modules = join(program, "node_modules");
  mkdirSync(modules);
  for (const entry of readdirSync(join(REPO_ROOT, "node_modules"))) {
    if (!entry.startsWith(".")) symlinkSync(join(REPO_ROOT, "node_modules", entry), join(modules, entry));
  }
  const installed = join(modules, "pulumi-appwrite-webhooks");
  mkdirSync(installed);
  cpSync(join(REPO_ROOT, "package.json"), join(installed, "package.json"));
  cpSync(join(REPO_ROOT, "dist"), join(installed, "dist"), { recursive: true });
  writeFileSync(join(program, "package.json"), JSON.stringify({ name: "consumer", private: true }));
  return { program, packageJson: join(installed, "package.json") };
}

const agentsFor = (method: string) =>
  new Set(
    world.emulator
      .requests()
      .filter((r) => r.method === method)
      .map((r) => r.userAgent),
  );

it("refresh and destroy use the upgraded runtime, with no replace", async () => {
  const { program, packageJson } = installConsumer();
  const bin = await provisionEngine();
  const backend = join(sandbox, "backend");
  mkdirSync(backend);
  const env = engineEnv(bin, backend);
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "upgrade", workDir: program },
    {
      pulumiCommand: await PulumiCommand.get({ root: dirname(bin), skipVersionCheck: true }),
      envVars: env,
      pulumiHome: env.PULUMI_HOME,
    },
  );
  await stack.setConfig("appwrite:endpoint", { value: world.emulator.endpoint });
  await stack.setConfig("appwrite:projectId", { value: PROJECT });
  await stack.setConfig("appwrite:apiKey", { value: API_KEY, secret: true });
  await stack.setConfig("e2e:webhooks", {
    value: JSON.stringify({ hook: { name: "U", url: url("/upgrade"), events: ["users.*"] } }),
  });
  await stack.up(quiet);
  const version = (JSON.parse(readFileSync(packageJson, "utf8")) as { version: string }).version;
  expect(agentsFor("POST")).toEqual(new Set([`pulumi-appwrite-webhooks/${version}`]));
  const providerBefore = JSON.stringify((await stack.exportStack()).deployment).match(
    /"__provider":"[^"]{40}/,
  )?.[0];

  // The upgrade: a new version of the package is installed; state is untouched.
  const manifest = JSON.parse(readFileSync(packageJson, "utf8")) as Record<string, unknown>;
  writeFileSync(packageJson, JSON.stringify({ ...manifest, version: "99.0.0-upgraded" }));

  const preview = await stack.preview(quiet);
  expect(preview.changeSummary).toEqual({ same: 2 });
  await stack.refresh(quiet);
  // The state's provider text did not change: the new code came from the installed package.
  const providerAfter = JSON.stringify((await stack.exportStack()).deployment).match(
    /"__provider":"[^"]{40}/,
  )?.[0];
  expect(providerAfter).toBe(providerBefore);
  expect(agentsFor("GET")).toEqual(new Set(["pulumi-appwrite-webhooks/99.0.0-upgraded"]));
  await stack.destroy(quiet);
  expect(agentsFor("DELETE")).toEqual(new Set(["pulumi-appwrite-webhooks/99.0.0-upgraded"]));
  expect(world.emulator.webhooks(PROJECT)).toEqual([]);
  await stack.workspace.removeStack("upgrade");
});

const LEGACY_PROVIDER = readFileSync(join(__dirname, "fixtures", "provider-0.1.0.txt"), "utf8");

it("state written with 0.1.0's serialized shim: preview, refresh, update and delete still work", async () => {
  const fixture = await webhookStack(world, {
    kept: { name: "Kept", url: url("/legacy/kept"), events: ["users.*"] },
    dropped: { name: "Dropped", url: url("/legacy/dropped"), events: ["users.*"] },
  });
  const { stack } = fixture;
  try {
    await stack.up(quiet);
    const exported = await stack.exportStack();
    const deployment = exported.deployment as { resources: Record<string, Record<string, unknown>>[] };
    let replaced = 0;
    for (const resource of deployment.resources) {
      for (const props of [resource["inputs"], resource["outputs"]]) {
        if (props && "__provider" in props) {
          props["__provider"] = LEGACY_PROVIDER;
          replaced++;
        }
      }
    }
    expect(replaced).toBe(4);
    await stack.importStack(exported);
    const secretBefore = (await stack.outputs())["kept_secret"]?.value;

    world.emulator.resetCounters();
    expect((await stack.preview(quiet)).changeSummary).toEqual({ same: 3 });
    expect(world.emulator.counters()["total"] ?? 0).toBe(0);
    await stack.refresh(quiet);
    expect((await stack.outputs())["kept_secret"]?.value).toBe(secretBefore);

    // `kept` is updated by the new code; `dropped` is deleted by the shim its outputs hold.
    await declare(stack, { kept: { name: "Kept v2", url: url("/legacy/kept"), events: ["users.*"] } });
    world.emulator.resetCounters();
    const result = await upWithPreview(stack);
    expect(result.summary.resourceChanges).toMatchObject({ update: 1, delete: 1 });
    expect(world.emulator.counters()).toMatchObject({
      "PUT /v1/webhooks/:id": 1,
      "DELETE /v1/webhooks/:id": 1,
    });
    expect(world.emulator.webhooks(PROJECT).map((webhook) => webhook.name)).toEqual(["Kept v2"]);
    expect((await stack.outputs())["kept_secret"]?.value).toBe(secretBefore);
  } finally {
    await fixture.dispose();
  }
  expect(world.emulator.webhooks(PROJECT)).toEqual([]);
});
