/**
 * The committed Go SDK (sdk/go) builds and passes `go vet` against the pinned Pulumi Go SDK, and
 * so does examples/go, a Go program that declares a webhook with it. The program is not run: the Go
 * language host cannot be installed here (the Go module proxy refuses it).
 *
 * Both build inside one Go module whose requirements start from the CLI's own (tools/pulumi/go.mod
 * and go.sum), so github.com/pulumi/pulumi/sdk/v3 resolves to the CLI's pinned version and every
 * module comes from the cache the engine build filled: GOPROXY points at that cache, which makes
 * the build work offline. GOSUMDB is off because modules only the SDK imports get go.sum lines
 * from that verified cache, with no checksum server to ask.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, WORK_ROOT } from "../support/engine";
import { SDK_ROOT, committedSchema, pinnedGoVersion, run } from "../support/sdkgen";

const PULUMI_GO_SDK = "github.com/pulumi/pulumi/sdk/v3";
const BUILD_TIMEOUT_MS = 10 * 60_000;
const IMPORTED_ONLY_BY_SDK_CONFIG = ["github.com/spf13/cast"];

interface GoModJson {
  Module: { Path: string };
  Require?: { Path: string; Version: string }[];
}

let scratch: string;
let programDir: string;
let sdkModule: string;
let sdkPackages: string[];
let goEnv: NodeJS.ProcessEnv;

async function go(args: string[], cwd = programDir) {
  return run("go", args, { cwd, env: goEnv, maxBuffer: 16 * 1024 * 1024 });
}

async function goModJson(goMod: string): Promise<GoModJson> {
  const { stdout } = await go(["mod", "edit", "-json", goMod], dirname(goMod));
  return JSON.parse(stdout) as GoModJson;
}

/** Import paths of the SDK's packages: every folder of sdk/go holding .go files. */
function packagesOf(root: string, module: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".go"))
    .map((entry) => entry.parentPath.slice(root.length).split("\\").join("/"))
    .filter((folder, index, folders) => folders.indexOf(folder) === index)
    .map((folder) => `${module}${folder}`)
    .sort();
}

beforeAll(async () => {
  mkdirSync(WORK_ROOT, { recursive: true });
  scratch = mkdtempSync(join(WORK_ROOT, "go-sdk-"));
  const sdkCopy = join(scratch, "sdk");
  programDir = join(scratch, "program");
  cpSync(join(SDK_ROOT, "go"), sdkCopy, { recursive: true });
  mkdirSync(programDir);
  cpSync(join(REPO_ROOT, "tools", "pulumi", "go.mod"), join(programDir, "go.mod"));
  cpSync(join(REPO_ROOT, "tools", "pulumi", "go.sum"), join(programDir, "go.sum"));

  const { stdout: modCache } = await run("go", ["env", "GOMODCACHE"]);
  goEnv = {
    ...process.env,
    GOWORK: "off",
    // The engine build's own flags (scripts/setup-pulumi.sh): the Pulumi Go SDK and its
    // dependencies then come compiled from Go's build cache instead of being compiled again.
    CGO_ENABLED: "0",
    GOFLAGS: "-mod=mod -trimpath -tags=osusergo,grpcnotrace",
    GOPROXY: `file://${join(modCache.trim(), "cache", "download")}`,
    GOSUMDB: "off",
  };

  sdkModule = (await goModJson(join(sdkCopy, "go.mod"))).Module.Path;
  sdkPackages = packagesOf(sdkCopy, sdkModule);
  await go(["mod", "edit", "-module", "example.com/webhook-program"]);
  await go(["mod", "edit", `-require=${sdkModule}@v0.0.0`, `-replace=${sdkModule}=../sdk`]);
  // The SDK's `config` package imports github.com/spf13/cast through the Pulumi Go SDK's `config`
  // package, which the CLI never imports, so the CLI's go.mod does not name it and Go would look
  // it up on the network. It is added at the version the Pulumi Go SDK itself requires, so no
  // pinned version moves.
  const { stdout: pulumiSdkGoMod } = await go(["list", "-m", "-f", "{{.GoMod}}", PULUMI_GO_SDK]);
  const program = await goModJson(join(programDir, "go.mod"));
  const required = new Set((program.Require ?? []).map((requirement) => requirement.Path));
  const missing = ((await goModJson(pulumiSdkGoMod.trim())).Require ?? []).filter(
    (requirement) =>
      IMPORTED_ONLY_BY_SDK_CONFIG.includes(requirement.Path) && !required.has(requirement.Path),
  );
  if (missing.length > 0) {
    await go([
      "mod",
      "edit",
      ...missing.map((requirement) => `-require=${requirement.Path}@${requirement.Version}`),
    ]);
  }
  // The program is examples/go, which the documentation shows.
  cpSync(join(REPO_ROOT, "examples", "go", "main.go"), join(programDir, "main.go"));
}, 120_000);
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("the Go SDK", () => {
  it("is the module the schema's importBasePath names", () => {
    const importBasePath = committedSchema().language?.go?.importBasePath ?? "";
    expect(importBasePath).not.toBe("");
    expect(sdkModule).toBe(dirname(importBasePath));
    expect(sdkPackages).toContain(importBasePath);
  });

  it("resolves the Pulumi Go SDK to the version the CLI pins", async () => {
    const pinned = pinnedGoVersion(join(REPO_ROOT, "tools", "pulumi", "go.mod"), PULUMI_GO_SDK);
    expect(pinned).toMatch(/^v3\.\d+\.\d+$/);
    const { stdout } = await go(["list", "-m", PULUMI_GO_SDK]);
    expect(stdout.trim()).toBe(`${PULUMI_GO_SDK} ${pinned}`);
  });

  it(
    "builds, with a Go program that declares a webhook",
    async () => {
      await go(["build", ...sdkPackages]);
      const binary = join(scratch, "webhook-program");
      await go(["build", "-o", binary, "."]);
      // The program is a real executable for this machine; it needs the engine and the Go
      // language host to run.
      expect(statSync(binary).size).toBeGreaterThan(1_000_000);
      if (process.platform === "linux")
        expect(readFileSync(binary).subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    "passes go vet, with the program",
    async () => {
      const { stdout, stderr } = await go(["vet", ".", ...sdkPackages]);
      expect(`${stdout}${stderr}`).toBe("");
    },
    BUILD_TIMEOUT_MS,
  );
});
