/**
 * The declaration-file commands as a user runs them, through the built bin: `--help` on each
 * command, `--var` values that hold `=`, and the size limit of the file.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_DECLARATION_BYTES } from "../../provider/gitops/declaration";

const ROOT = resolve(__dirname, "../..");
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "gitops-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `pulumi-appwrite-webhooks <args>`; resolves with its exit code and output. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, "dist/cli/index.js"), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "" },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("pulumi-appwrite-webhooks export | validate | schema", () => {
  it.each(["export", "validate", "schema"])(
    "`%s --help` prints that command's usage and exits 0",
    async (command) => {
      const result = await cli(command, "--help");
      expect(result.stderr).not.toMatch(/Unknown option/);
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout).toMatch(new RegExp(`^usage: pulumi-appwrite-webhooks ${command}\\b`));
    },
  );

  it("`validate --var name=value` keeps a value that holds `=`", async () => {
    const declaration = file(
      "var.yaml",
      'version: 1\nwebhooks:\n  - id: a\n    name: "${label}"\n    url: https://hooks.example.com/a\n    events: [users.*]\n',
    );
    // 64 + 1 + 64 = 129 characters: one over the name's limit, but only if the value is whole.
    const label = `${"x".repeat(64)}=${"y".repeat(64)}`;
    const whole = await cli("validate", declaration, "--var", `label=${label}`);
    expect(whole.code).toBe(1);
    expect(whole.stderr).toMatch(/webhooks\[0\]\.name \(line 4\): name must be 1–128 characters/);
    const fits = await cli("validate", declaration, "--var", "label=a=b");
    expect(fits).toMatchObject({ code: 0 });
    const malformed = await cli("validate", declaration, "--var", "label");
    expect(malformed.stderr).toMatch(/--var label: expected name=value/);
  });

  it("refuses a file over the size limit before parsing it, naming the file and the limit", async () => {
    const valid =
      "version: 1\nwebhooks:\n  - id: a\n    name: A\n    url: https://hooks.example.com/a\n    events: [users.*]\n";
    // Valid YAML all the way: only the size is wrong with it.
    const padding = `# ${"x".repeat(98)}\n`.repeat(Math.ceil(MAX_DECLARATION_BYTES / 100));
    const large = file("large.yaml", valid + padding);
    const result = await cli("validate", large);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${large}: 1 problem`);
    expect(result.stderr).toMatch(
      new RegExp(
        `is ${valid.length + padding.length} bytes, over the limit of ${MAX_DECLARATION_BYTES} bytes \\(1 MiB`,
      ),
    );
    expect((await cli("validate", file("small.yaml", valid + padding.slice(0, 4000)))).code).toBe(0);
  });

  it("`validate` takes the Appwrite CLI's appwrite.config.json too, and names the entry and field of each problem", async () => {
    const entry = { $id: "orders", name: "Orders", url: "https://hooks.example.com/o", events: ["users.*"] };
    const good = file("appwrite.config.json", JSON.stringify({ projectId: "p", webhooks: [entry] }, null, 4));
    const valid = await cli("validate", good);
    expect(valid).toMatchObject({ code: 0 });
    expect(valid.stderr).toBe(`${good}: 1 webhooks (the Appwrite CLI's webhooks array), valid\n`);
    const bad = file(
      "appwrite.json",
      JSON.stringify({ projectId: "p", webhooks: [{ ...entry, authPassword: "pw-123456" }] }, null, 4),
    );
    const refused = await cli("validate", bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/webhooks\[0\]\.authPassword \(line 11\): unknown key "authPassword"/);
    expect(refused.stderr).not.toContain("pw-123456");
  });

  it("`export --format` takes yaml or appwrite-cli and names them otherwise, before any request", async () => {
    const result = await cli("export", "--format", "json", "--endpoint", "https://a.example.com/v1");
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("export --format json: expected yaml (the default) or appwrite-cli\n");
  });
});
