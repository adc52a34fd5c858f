/**
 * A consumer project installed from the packed tarball, as a new user would have it: the
 * package's own `dist/` (built by `npm run build`), packed by npm, installed by npm into a
 * fresh folder under `.work/` next to the dependencies examples/quickstart declares.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT, WORK_ROOT } from "../support/engine";

const exec = promisify(execFile);
export const NPM_BIN = join(REPO_ROOT, "node_modules", ".bin");
/** npm and npx run with the project's Node (24), as `npm run` does. */
export const TOOL_PATH = [NPM_BIN, process.env.PATH ?? ""].join(":");

/** The example a new user starts from; the consumer projects are copies of it. */
export const QUICKSTART = "examples/quickstart";

export interface PackedFile {
  path: string;
}

/** The receiver package, published from this repository beside the root one (npm workspaces). */
export const RECEIVER_DIR = join(REPO_ROOT, "receiver");

export interface PackedPackage {
  tarball: string;
  files: string[];
  /** The tarball's size in bytes, and the size of what it unpacks to. */
  size: number;
  unpackedSize: number;
}

/**
 * `npm pack` of a built package, the root one unless `packageDir` says otherwise (no rebuild:
 * `npm test` built both); returns the tarball and its files.
 */
export async function packPackage(into: string, packageDir = REPO_ROOT): Promise<PackedPackage> {
  const { main } = readJson<{ main: string }>(join(packageDir, "package.json"));
  if (!existsSync(join(packageDir, main))) {
    throw new Error(`${main} is missing in ${packageDir}: run \`npm run build\` first (npm test does)`);
  }
  mkdirSync(into, { recursive: true });
  const { stdout } = await exec("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", into], {
    cwd: packageDir,
    env: { ...process.env, PATH: TOOL_PATH },
    maxBuffer: 16 * 1024 * 1024,
  });
  const [result] = JSON.parse(stdout) as Array<{
    filename: string;
    files: PackedFile[];
    size: number;
    unpackedSize: number;
  }>;
  if (!result) throw new Error(`npm pack printed no result: ${stdout}`);
  return {
    tarball: join(into, result.filename),
    files: result.files.map((file) => file.path),
    size: result.size,
    unpackedSize: result.unpackedSize,
  };
}

/** The files `npm pack` would ship, without writing a tarball. */
export async function shippedFiles(): Promise<string[]> {
  const { stdout } = await exec("npm", ["pack", "--dry-run", "--ignore-scripts", "--json"], {
    cwd: REPO_ROOT,
    env: { ...process.env, PATH: TOOL_PATH },
    maxBuffer: 16 * 1024 * 1024,
  });
  const [result] = JSON.parse(stdout) as Array<{ files: PackedFile[] }>;
  return (result?.files ?? []).map((file) => file.path);
}

/**
 * A fresh copy of examples/quickstart with the tarball installed in place of the registry's
 * version, and the receiver package's tarball beside it, since the root package depends on that
 * exact version. `extra` are further packages to install with them.
 */
export async function installConsumer(
  name: string,
  extra: string[] = [],
): Promise<{ dir: string; tarball: string; files: string[] }> {
  mkdirSync(WORK_ROOT, { recursive: true });
  const dir = mkdtempSync(join(WORK_ROOT, `${name}-`));
  const { tarball, files } = await packPackage(join(dir, ".pack"));
  const receiver = await packPackage(join(dir, ".pack"), RECEIVER_DIR);
  for (const file of readdirSync(join(REPO_ROOT, QUICKSTART))) {
    cpSync(join(REPO_ROOT, QUICKSTART, file), join(dir, file), { recursive: true });
  }
  await exec(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", receiver.tarball, tarball, ...extra],
    {
      cwd: dir,
      env: { ...process.env, PATH: TOOL_PATH },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return { dir, tarball, files };
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}
