/**
 * `appwrite-webhooks-receiver` as a receiver's deployment gets it: packed by npm, installed alone
 * from its tarball into an empty folder. Nothing else lands in node_modules (the package has no
 * dependency), a fresh `node` importing its Node entry loads no module from outside the package
 * and does so within 100 ms, and every subpath loads there too, by `require` and by `import`.
 */
import { execFile } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, sep } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, WORK_ROOT } from "../support/engine";
import { packPackage, RECEIVER_DIR, readJson, TOOL_PATH, type PackedPackage } from "../docs/consumer";

const exec = promisify(execFile);
const NODE = join(REPO_ROOT, "node_modules", ".bin", "node");
const NAME = "appwrite-webhooks-receiver";
/** The budget for importing the Node entry in a fresh process. */
const IMPORT_BUDGET_MS = 100;
/** Fresh processes timed; the median is judged, so one stall of a loaded machine does not decide. */
const IMPORT_RUNS = 5;

let folder: string;
let packed: PackedPackage;
let installed: string;

beforeAll(async () => {
  mkdirSync(WORK_ROOT, { recursive: true });
  folder = mkdtempSync(join(WORK_ROOT, "receiver-alone-"));
  packed = await packPackage(join(folder, ".pack"), RECEIVER_DIR);
  const project = join(folder, "project");
  mkdirSync(project);
  // Without a package.json of its own, npm would walk up to this repository's and install there.
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "receiver-alone", private: true }));
  await exec("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", packed.tarball], {
    cwd: project,
    env: { ...process.env, PATH: TOOL_PATH },
  });
  installed = realpathSync(join(project, "node_modules", NAME));
}, 120_000);

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** Runs a CommonJS script in a fresh `node` in the project folder and parses what it prints. */
async function fresh<T>(script: string, inputType: "commonjs" | "module" = "commonjs"): Promise<T> {
  const { stdout } = await exec(NODE, [`--input-type=${inputType}`, "-e", script], {
    cwd: join(folder, "project"),
  });
  return JSON.parse(stdout) as T;
}

describe("the packed receiver package, installed alone", () => {
  it("ships its built entries, README and LICENSE, and declares no dependency", () => {
    console.log(
      `${NAME} tarball: ${packed.size} bytes (${packed.unpackedSize} unpacked, ${packed.files.length} files)`,
    );
    expect(packed.files).toEqual(
      expect.arrayContaining(["LICENSE", "README.md", "package.json", "dist/index.js", "dist/index.d.ts"]),
    );
    expect(
      packed.files.filter((file) => !/^(dist\/.*\.(js|d\.ts)|LICENSE|README\.md|package\.json)$/.test(file)),
    ).toEqual([]);
    const manifest = readJson<{
      dependencies?: object;
      peerDependencies?: object;
      optionalDependencies?: object;
    }>(join(installed, "package.json"));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies).toBeUndefined();
    expect(manifest.optionalDependencies).toBeUndefined();
  });

  it("leaves nothing in node_modules but the package", () => {
    const entries = readdirSync(join(folder, "project", "node_modules")).filter(
      (name) => name !== ".package-lock.json",
    );
    console.log(`node_modules after installing the tarball alone: ${JSON.stringify(entries)}`);
    expect(entries).toEqual([NAME]);
    // Nor anything nested inside it.
    expect(readdirSync(installed).sort()).toEqual(["LICENSE", "README.md", "dist", "package.json"]);
    const lock = readJson<{ packages: Record<string, unknown> }>(
      join(folder, "project", "package-lock.json"),
    );
    expect(Object.keys(lock.packages).sort()).toEqual(["", `node_modules/${NAME}`]);
  });

  it(`its Node entry loads only its own files, within ${IMPORT_BUDGET_MS} ms in a fresh process`, async () => {
    const script = `
      const started = process.hrtime.bigint();
      const receiver = require(${JSON.stringify(NAME)});
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      console.log(JSON.stringify({ ms, modules: Object.keys(require.cache), exported: Object.keys(receiver) }));`;
    const runs: Array<{ ms: number; modules: string[]; exported: string[] }> = [];
    for (let i = 0; i < IMPORT_RUNS; i++) runs.push(await fresh(script));
    const times = runs.map((run) => run.ms).sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? Number.NaN;
    const [first] = runs;
    console.log(
      `require("${NAME}") in a fresh node ${process.version}: median ${median.toFixed(1)} ms ` +
        `of ${IMPORT_RUNS} processes (${times.map((ms) => ms.toFixed(1)).join(", ")}), ` +
        `${first?.modules.length} modules loaded`,
    );
    for (const run of runs) {
      const outside = run.modules.filter((path) => !path.startsWith(installed + sep));
      expect(outside).toEqual([]);
      expect(run.modules.length).toBeGreaterThan(0);
    }
    expect(first?.exported).toEqual(
      expect.arrayContaining(["createWebhookReceiver", "verifyWebhookSignature"]),
    );
    expect(median).toBeLessThanOrEqual(IMPORT_BUDGET_MS);
  }, 60_000);

  it.each([
    [NAME, "createWebhookReceiver"],
    [`${NAME}/web`, "verifyWebhookRequest"],
    [`${NAME}/fetch`, "createFetchHandler"],
    [`${NAME}/hono`, "honoWebhook"],
    [`${NAME}/express`, "expressWebhook"],
    [`${NAME}/fastify`, "fastifyWebhook"],
  ])(
    "%s loads there by require and by import, with %s, and nothing from outside",
    async (entry, handler) => {
      const specifier = JSON.stringify(entry);
      const required = await fresh<{ type: string; modules: string[] }>(`
      const entry = require(${specifier});
      console.log(JSON.stringify({ type: typeof entry[${JSON.stringify(handler)}], modules: Object.keys(require.cache) }));`);
      expect(required.type).toBe("function");
      expect(required.modules.filter((path) => !path.startsWith(installed + sep))).toEqual([]);
      // An ES module's named import: the names must be visible through Node's CommonJS interop.
      const imported = await fresh<{ type: string }>(
        `import { ${handler} } from ${specifier};
       console.log(JSON.stringify({ type: typeof ${handler} }));`,
        "module",
      );
      expect(imported.type).toBe("function");
    },
    30_000,
  );

  it("is the version the root package depends on, exactly", () => {
    const receiver = readJson<{ version: string }>(join(installed, "package.json"));
    const root = readJson<{ version: string; dependencies: Record<string, string> }>(
      join(REPO_ROOT, "package.json"),
    );
    expect(receiver.version).toBe(root.version);
    expect(root.dependencies[NAME]).toBe(root.version);
  });

  it("ships the same LICENSE as the root package", () => {
    expect(readFileSync(join(installed, "LICENSE"), "utf8")).toBe(
      readFileSync(join(REPO_ROOT, "LICENSE"), "utf8"),
    );
  });
});
