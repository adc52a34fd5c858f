/**
 * The committed SDKs under sdk/<language> are what Pulumi's own code generators write from the
 * committed package schema, byte for byte: tools/pulumi-sdkgen (pkg/v3 at the CLI's pinned
 * version) regenerates them into .work/ and every file is compared. The Python SDK also
 * byte-compiles and its package metadata names what the schema says; the `pulumi` Python
 * package itself cannot be installed on the test machine, so the SDK is not imported.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, WORK_ROOT } from "../support/engine";
import {
  COMMITTED_SCHEMA,
  SDKGEN_BUILD_TIMEOUT_MS,
  SDK_LANGUAGES,
  SDK_ROOT,
  committedSchema,
  filesUnder,
  pinnedGoVersion,
  provisionSdkgen,
  run,
} from "../support/sdkgen";

const REFRESH = "npm run sdks";
const PKG_V3 = "github.com/pulumi/pulumi/pkg/v3";

let scratch: string;
let fresh: string;

beforeAll(async () => {
  const sdkgen = await provisionSdkgen();
  mkdirSync(WORK_ROOT, { recursive: true });
  scratch = mkdtempSync(join(WORK_ROOT, "sdks-"));
  fresh = join(scratch, "sdk");
  await run(sdkgen, [COMMITTED_SCHEMA, fresh], { cwd: REPO_ROOT });
}, SDKGEN_BUILD_TIMEOUT_MS);
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("the generated SDKs", () => {
  it("come from pkg/v3 at exactly the version the Pulumi CLI is built from", () => {
    const cli = pinnedGoVersion(join(REPO_ROOT, "tools", "pulumi", "go.mod"), PKG_V3);
    expect(cli).toMatch(/^v3\.\d+\.\d+$/);
    expect(pinnedGoVersion(join(REPO_ROOT, "tools", "pulumi-sdkgen", "go.mod"), PKG_V3)).toBe(cli);
  });

  it.each(SDK_LANGUAGES)(
    "sdk/%s is byte for byte what the generator writes from the committed schema",
    (language) => {
      const committedDir = join(SDK_ROOT, language);
      const freshDir = join(fresh, language);
      const freshFiles = filesUnder(freshDir);
      expect(freshFiles.length).toBeGreaterThan(0);
      expect(
        filesUnder(committedDir),
        `sdk/${language} has other files than the generator writes: run \`${REFRESH}\``,
      ).toEqual(freshFiles);
      for (const file of freshFiles) {
        expect(
          readFileSync(join(committedDir, file)).equals(readFileSync(join(freshDir, file))),
          `sdk/${language}/${file} is stale: run \`${REFRESH}\` and commit the result`,
        ).toBe(true);
      }
    },
  );

  it(`\`${REFRESH}\` runs the pinned tool on the committed schema into sdk/`, () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts.sdks).toBe(
      '"$(bash scripts/setup-pulumi-sdkgen.sh | tail -n1)/pulumi-sdkgen" provider/plugin/appwrite-webhooks.pulumi.json sdk',
    );
  });

  it("each SDK's plugin manifest points at the schema's plugin, version and download URL", () => {
    const schema = committedSchema();
    expect(schema.pluginDownloadURL).toBe("github://api.github.com/pulumi-appwrite-webhooks");
    const manifests = [
      join(SDK_ROOT, "python", "pulumi_appwrite_webhooks", "pulumi-plugin.json"),
      join(SDK_ROOT, "go", "appwritewebhooks", "pulumi-plugin.json"),
    ];
    for (const manifest of manifests) {
      expect(JSON.parse(readFileSync(manifest, "utf8"))).toEqual({
        resource: true,
        name: schema.name,
        version: schema.version,
        server: schema.pluginDownloadURL,
      });
    }
  });
});

describe("the Python SDK", () => {
  it("byte-compiles with python3", async () => {
    // A copy, so that __pycache__ lands in .work/ and not in sdk/python.
    const copy = join(scratch, "python-compile");
    cpSync(join(SDK_ROOT, "python"), copy, { recursive: true });
    const { stdout } = await run("python3", ["-m", "compileall", "-q", "-f", copy]).catch(
      (error: unknown) => {
        throw new Error(`python3 -m compileall failed (is python3 >= 3.9 installed?): ${String(error)}`);
      },
    );
    expect(stdout).toBe("");
    const compiled = filesUnder(copy).filter((file) => file.endsWith(".pyc"));
    const sources = filesUnder(copy).filter((file) => file.endsWith(".py"));
    expect(sources.length).toBeGreaterThan(0);
    expect(compiled).toHaveLength(sources.length);
  }, 60_000);

  it("pyproject.toml names the PyPI package, the schema's version and the pulumi dependency", async () => {
    const schema = committedSchema();
    const script = [
      "import json, sys, tomllib",
      "project = tomllib.load(open(sys.argv[1], 'rb'))['project']",
      "print(json.dumps({k: project[k] for k in ('name', 'version', 'dependencies', 'requires-python')}))",
    ].join("\n");
    const { stdout } = await run("python3", ["-c", script, join(SDK_ROOT, "python", "pyproject.toml")]);
    const project = JSON.parse(stdout) as { name: string; version: string; dependencies: string[] };
    expect(project.name).toBe(schema.language?.python?.packageName);
    expect(project.version).toBe(schema.version);
    expect(project.dependencies.some((dependency) => /^pulumi>=3\.\d+\.\d+,<4\.0\.0$/.test(dependency))).toBe(
      true,
    );
  });
});
