/**
 * The committed SDKs under sdk/<language> are what Pulumi's own code generators write from the
 * committed package schema, byte for byte: tools/pulumi-sdkgen (Python, Go: pkg/v3 at the CLI's
 * pinned version) and tools/pulumi-sdkgen-dotnet (.NET: pkg/v3 at the YAML host's pinned version,
 * the last line that holds the .NET generator) regenerate them into .work/ and every file is
 * compared. The Python SDK also byte-compiles and its package metadata names what the schema
 * says; the `pulumi` Python package itself cannot be installed on the test machine, so the SDK is
 * not imported. The .NET SDK's C# parses and its project names what the schema says; neither the
 * .NET SDK nor NuGet is on the test machine, so it is not compiled.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, WORK_ROOT } from "../support/engine";
import {
  COMMITTED_SCHEMA,
  PACKAGE_LOGO,
  SDKGEN_BUILD_TIMEOUT_MS,
  SDK_LANGUAGES,
  SDK_ROOT,
  committedSchema,
  filesUnder,
  pinnedGoVersion,
  provisionSdkgen,
  run,
} from "../support/sdkgen";
import { parseCsharp } from "../support/csharp-syntax";

const REFRESH = "npm run sdks";
const PKG_V3 = "github.com/pulumi/pulumi/pkg/v3";

let scratch: string;
let fresh: string;

beforeAll(async () => {
  const { sdkgen, sdkgenDotnet } = await provisionSdkgen();
  mkdirSync(WORK_ROOT, { recursive: true });
  scratch = mkdtempSync(join(WORK_ROOT, "sdks-"));
  fresh = join(scratch, "sdk");
  await run(sdkgen, [COMMITTED_SCHEMA, fresh], { cwd: REPO_ROOT });
  await run(sdkgenDotnet, [COMMITTED_SCHEMA, PACKAGE_LOGO, fresh], { cwd: REPO_ROOT });
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

  it("the .NET SDK comes from pkg/v3 at exactly the version the YAML language host is built from", () => {
    // Later versions than the YAML host's no longer hold codegen/dotnet.
    const yamlHost = pinnedGoVersion(join(REPO_ROOT, "tools", "pulumi-yaml", "go.mod"), PKG_V3);
    expect(yamlHost).toMatch(/^v3\.\d+\.\d+$/);
    expect(pinnedGoVersion(join(REPO_ROOT, "tools", "pulumi-sdkgen-dotnet", "go.mod"), PKG_V3)).toBe(
      yamlHost,
    );
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
      'bin="$(bash scripts/setup-pulumi-sdkgen.sh | tail -n1)" && ' +
        '"$bin/pulumi-sdkgen" provider/plugin/appwrite-webhooks.pulumi.json sdk && ' +
        '"$bin/pulumi-sdkgen-dotnet" provider/plugin/appwrite-webhooks.pulumi.json provider/plugin/logo.png sdk',
    );
  });

  it("each SDK's plugin manifest points at the schema's plugin, version and download URL", () => {
    const schema = committedSchema();
    expect(schema.pluginDownloadURL).toBe("github://api.github.com/pulumi-appwrite-webhooks");
    const manifests = [
      join(SDK_ROOT, "python", "pulumi_appwrite_webhooks", "pulumi-plugin.json"),
      join(SDK_ROOT, "go", "appwritewebhooks", "pulumi-plugin.json"),
      join(SDK_ROOT, "dotnet", "pulumi-plugin.json"),
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

describe("the .NET SDK", () => {
  const dotnetDir = join(SDK_ROOT, "dotnet");
  /** The NuGet package ID: the generator names the project <rootNamespace>.<package namespace>. */
  const NUGET_ID = "PulumiAppwrite.Webhooks";

  it("is C# that parses, every file in the package's namespace (object types in its Inputs and Outputs)", async () => {
    const sources = filesUnder(dotnetDir).filter((file) => file.endsWith(".cs"));
    expect(sources).toEqual(expect.arrayContaining(["Webhook.cs", "Provider.cs", "Config/Config.cs"]));
    for (const file of sources) {
      const { tree, syntaxErrors } = await parseCsharp(readFileSync(join(dotnetDir, file), "utf8"));
      expect(syntaxErrors, `sdk/dotnet/${file}`).toEqual([]);
      const namespaces = tree.rootNode
        .descendantsOfType("namespace_declaration")
        .map((node) => node?.childForFieldName("name")?.text);
      // The generator writes an object type's input and output classes into sub-namespaces.
      const kind = /^(Inputs|Outputs)\//.exec(file)?.[1];
      expect(namespaces, `sdk/dotnet/${file}`).toEqual([kind ? `${NUGET_ID}.${kind}` : NUGET_ID]);
    }
    const webhook = await parseCsharp(readFileSync(join(dotnetDir, "Webhook.cs"), "utf8"));
    const classes = webhook.tree.rootNode
      .descendantsOfType("class_declaration")
      .map((node) => node?.childForFieldName("name")?.text);
    expect(classes).toEqual(expect.arrayContaining(["Webhook", "WebhookArgs"]));
  });

  it("the syntax check catches C# that does not parse", async () => {
    const text = readFileSync(join(dotnetDir, "Webhook.cs"), "utf8");
    const damaged = text.replace("{ get; private set; }", "{ get; private set; ");
    expect(damaged).not.toBe(text);
    expect((await parseCsharp(damaged)).syntaxErrors).not.toEqual([]);
  });

  it("the project names the NuGet package, its version, publisher, Pulumi dependency and icon", () => {
    const schema = committedSchema();
    const csharp = schema.language?.csharp;
    expect(`${csharp?.rootNamespace}.${csharp?.namespaces?.[schema.name]}`).toBe(NUGET_ID);
    const projects = filesUnder(dotnetDir).filter((file) => file.endsWith(".csproj"));
    expect(projects).toEqual([`${NUGET_ID}.csproj`]);
    const project = readFileSync(join(dotnetDir, projects[0] ?? ""), "utf8");
    const element = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(project)?.[1];
    expect(element("Version")).toBe(schema.version);
    expect(element("Authors")).toBe(schema.publisher);
    expect(element("RepositoryUrl")).toBe(schema.repository);
    expect(element("PackageIcon")).toBe("logo.png");
    expect(project).toContain('<PackageReference Include="Pulumi" Version="3.*" />');
    expect(readFileSync(join(dotnetDir, "version.txt"), "utf8")).toBe(schema.version);
  });

  it("packs the committed logo, which the schema's logoUrl publishes from the repository", () => {
    const schema = committedSchema();
    const repository = new URL(schema.repository ?? "");
    expect(repository.host).toBe("github.com");
    expect(schema.logoUrl).toBe(
      `https://raw.githubusercontent.com${repository.pathname}/main/${relative(REPO_ROOT, PACKAGE_LOGO).split("\\").join("/")}`,
    );
    const logo = readFileSync(PACKAGE_LOGO);
    expect(logo.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(
      true,
    );
    expect(readFileSync(join(dotnetDir, "logo.png")).equals(logo)).toBe(true);
  });
});
