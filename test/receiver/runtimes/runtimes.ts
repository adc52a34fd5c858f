/**
 * Runs one bundled Web module in Node 24, Bun, Deno and workerd (through Miniflare), each from
 * its npm package in node_modules. The module has the shape of a Worker (`export default
 * { fetch }`); every runtime calls that `fetch` once and hands back the response's text, so the
 * same bytes run everywhere. Used by the vector tests and by the verify benchmark.
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build, type Plugin } from "esbuild";
import { Miniflare } from "miniflare";
import { REPO_ROOT } from "../../support/engine";

const run = promisify(execFile);

export const RUNTIMES = ["node", "bun", "deno", "workerd"] as const;
export type Runtime = (typeof RUNTIMES)[number];

/** Where bundles and Deno's cache go: ignored by git, so a run leaves the tree clean. */
export const WORK_DIR = join(REPO_ROOT, ".work", "runtimes");
const bin = (name: string): string => join(REPO_ROOT, "node_modules", ".bin", name);

/** Fails the build on any Node built-in, with or without `node:`: a Worker has none of them. */
export const NO_NODE_BUILTINS: Plugin = {
  name: "no-node-builtins",
  setup(pluginBuild) {
    const builtins = new Set(builtinModules);
    pluginBuild.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.replace(/^node:/, "").split("/")[0] ?? "";
      if (args.path.startsWith("node:") || builtins.has(bare))
        return { errors: [{ text: `Node built-in "${args.path}" imported by ${args.importer}` }] };
      return undefined;
    });
  },
};

/** Bundles `entry` as one ES module for a Worker: platform neutral, no polyfills, no Node built-ins. */
export async function bundleForWorkers(
  entry: string,
  outName: string,
): Promise<{ path: string; text: string }> {
  const result = await build({
    entryPoints: [join(REPO_ROOT, entry)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    write: false,
    logLevel: "silent",
    plugins: [NO_NODE_BUILTINS],
  });
  const text = result.outputFiles[0]?.text ?? "";
  mkdirSync(WORK_DIR, { recursive: true });
  const path = join(WORK_DIR, outName);
  writeFileSync(path, text);
  return { path, text };
}

/** Imports the module, calls its default fetch once and prints the response body. */
function callerScript(modulePath: string, url: string): string {
  return [
    `const { default: worker } = await import(${JSON.stringify(pathToFileURL(modulePath).href)});`,
    `const response = await worker.fetch(new Request(${JSON.stringify(url)}));`,
    `console.log(await response.text());`,
  ].join("\n");
}

const PROCESS_LIMITS = { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 };

/** The runtime's version line, to say in a report what ran. */
export async function runtimeVersion(runtime: Runtime): Promise<string> {
  if (runtime === "node") return process.version;
  if (runtime === "workerd") return (await run(bin("workerd"), ["--version"], PROCESS_LIMITS)).stdout.trim();
  const { stdout } = await run(bin(runtime), ["--version"], PROCESS_LIMITS);
  return stdout.split("\n")[0]?.trim() ?? "";
}

/** Runs the bundled module's fetch in a runtime and returns the response text. */
export async function fetchInRuntime(
  runtime: Runtime,
  modulePath: string,
  moduleText: string,
  url = "http://runtime.test/",
): Promise<string> {
  const script = callerScript(modulePath, url);
  switch (runtime) {
    case "node":
      // process.execPath is the Node 24 of the `node` devDependency that runs the tests.
      return (await run(process.execPath, ["--input-type=module", "-e", script], PROCESS_LIMITS)).stdout;
    case "bun":
      return (await run(bin("bun"), ["-e", script], { ...PROCESS_LIMITS, cwd: WORK_DIR })).stdout;
    case "deno":
      return (
        await run(bin("deno"), ["eval", "--quiet", script], {
          ...PROCESS_LIMITS,
          cwd: WORK_DIR,
          env: { ...process.env, DENO_DIR: join(WORK_DIR, "deno-cache"), DENO_NO_UPDATE_CHECK: "1" },
        })
      ).stdout;
    case "workerd": {
      const miniflare = new Miniflare({ modules: true, script: moduleText, compatibilityDate: "2025-09-01" });
      try {
        const response = await miniflare.dispatchFetch(url);
        return await response.text();
      } finally {
        await miniflare.dispose();
      }
    }
  }
}
