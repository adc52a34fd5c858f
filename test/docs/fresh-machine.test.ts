/**
 * The README's `npm install` then `npm test` on a fresh machine: `npm test` provisions PHP with
 * its curl extension and the OpenSSL CLI itself (scripts/setup-php.sh, as setup-pulumi.sh does
 * for the engine), and the tests that need them fail, never skip, when they are missing.
 *
 * The script runs here with a PATH holding only stand-ins (a `php` that lists its modules, an
 * `apt-get` that records its arguments), so no test installs or removes anything on this machine.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runPhp, runPhpSync } from "../emulator/php";
import { REPO_ROOT, WORK_ROOT } from "../support/engine";

const SCRIPT = join(REPO_ROOT, "scripts", "setup-php.sh");
const PHP_WITH_CURL = 'printf "[PHP Modules]\\nCore\\ncurl\\njson\\n"';

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** A bin directory holding only the given shell scripts, and a file where each stand-in logs its call. */
function binWith(tools: Record<string, string>): { bin: string; calls: () => string[] } {
  mkdirSync(WORK_ROOT, { recursive: true });
  const bin = mkdtempSync(join(WORK_ROOT, "fresh-machine-"));
  dirs.push(bin);
  const log = join(bin, "calls.log");
  writeFileSync(log, "");
  for (const [name, body] of Object.entries(tools)) {
    writeFileSync(join(bin, name), `#!/bin/sh\nprintf '%s\\n' "${name} $*" >> '${log}'\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return { bin, calls: () => readFileSync(log, "utf8").split("\n").filter(Boolean) };
}

/** Runs the script as `npm test` does, with PATH holding only `bin`. */
function setupPhp(bin: string): { status: number | null; stdout: string; stderr: string; ms: number } {
  const started = Date.now();
  const result = spawnSync("/bin/bash", [SCRIPT], { env: { PATH: bin }, encoding: "utf8", timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

describe("scripts/setup-php.sh, run first by npm test", () => {
  it("is wired into npm test, with the engine's setup, before the tests", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const steps = (pkg.scripts.test ?? "").split(" && ");
    expect(steps.slice(1)).toEqual(["bash scripts/prepare-tests.sh", "vitest run"]);
    // The preparation starts both setups, and waits for each before vitest may start.
    const prepare = readFileSync(join(REPO_ROOT, "scripts", "prepare-tests.sh"), "utf8");
    expect(prepare).toMatch(/^bash scripts\/setup-php\.sh &$/m);
    expect(prepare).toMatch(/^bash scripts\/setup-pulumi\.sh >\/dev\/null &$/m);
    expect(prepare).toMatch(/^wait "\$php" \|\| exit 1$/m);
    expect(prepare).toMatch(/^wait "\$engine" \|\| exit 1$/m);
  });

  it("does nothing when PHP with curl and OpenSSL are installed (no apt-get, one line)", () => {
    const { bin, calls } = binWith({
      php: PHP_WITH_CURL,
      openssl: "exit 0",
      "apt-get": "exit 1",
      sudo: "exit 1",
    });
    const run = setupPhp(bin);
    expect(run.status, run.stderr).toBe(0);
    expect(calls()).toEqual(["php -m"]);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.ms, "the fast path").toBeLessThan(5_000);
  });

  it("stops before anything runs with one line naming what to install, when it cannot install", () => {
    const { bin, calls } = binWith({});
    const run = setupPhp(bin);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trim().split("\n");
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toContain("install php-cli php-curl openssl");
    expect(lines[0]).toContain("apt-get install -y php-cli php-curl openssl");
    expect(calls()).toEqual([]);
  });

  it("names only what is missing: the curl extension of the PHP that is there", () => {
    const { bin } = binWith({
      php: '[ "$1" = -m ] && printf "[PHP Modules]\\nCore\\njson\\n" || printf 8.3',
      openssl: "exit 0",
    });
    const run = setupPhp(bin);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("install php8.3-curl (");
  });

  it("installs what is missing with apt-get, after one apt-get update, and checks the result", () => {
    // The stand-in apt-get "installs" by writing a php with curl and an openssl beside itself;
    // sudo (used only when the tests do not run as root) runs its command.
    const { bin, calls } = binWith({
      sudo: '[ "$1" = -n ] && shift; "$@"',
      "apt-get": [
        '[ "$1" = install ] || exit 0',
        'dir="${0%/*}"',
        `printf '#!/bin/sh\\n%s\\n' '${PHP_WITH_CURL}' > "$dir/php"`,
        `printf '#!/bin/sh\\nexit 0\\n' > "$dir/openssl"`,
        `/bin/chmod +x "$dir/php" "$dir/openssl"`,
      ].join("\n"),
    });
    const run = setupPhp(bin);
    expect(run.status, run.stderr).toBe(0);
    expect(calls().filter((call) => call.startsWith("apt-get"))).toEqual([
      "apt-get update -qq",
      "apt-get install -y -qq php-cli php-curl openssl",
    ]);
    expect(run.stderr).toContain("installed php-cli php-curl openssl in");
  });

  it("fails when apt-get installed the packages yet PHP still has no curl", () => {
    const { bin } = binWith({ sudo: '[ "$1" = -n ] && shift; "$@"', "apt-get": "exit 0" });
    const run = setupPhp(bin);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("ERROR: installed php-cli php-curl openssl, yet");
  });
});

describe("without PHP, the tests that need it fail, never skip", () => {
  it("test/emulator/php.ts reports a missing php as an error naming the fix", async () => {
    const { bin } = binWith({});
    const path = process.env.PATH;
    process.env.PATH = bin;
    try {
      expect(() => runPhpSync("worker-body.php", "")).toThrow(/^php is not installed; .*php-cli php-curl/);
      await expect(runPhp("worker-body.php", "")).rejects.toThrow(
        /^php is not installed; .*php-cli php-curl/,
      );
    } finally {
      process.env.PATH = path;
    }
  });

  it("no test that runs PHP or OpenSSL has a way to skip", () => {
    const users = readdirSync(join(REPO_ROOT, "test"), { recursive: true, withFileTypes: true })
      .filter(
        (entry) =>
          entry.isFile() && entry.name.endsWith(".test.ts") && entry.name !== "fresh-machine.test.ts",
      )
      .map((entry) => ({ name: entry.name, text: readFileSync(join(entry.parentPath, entry.name), "utf8") }))
      .filter(({ text }) => /from "(\.\.\/contract|\.)\/php"|spawnSync\("(php|openssl)"/.test(text));
    expect(users.map((user) => user.name).sort()).toEqual(
      expect.arrayContaining(["delivery-bytes.test.ts", "php-json.test.ts"]),
    );
    for (const { name, text } of users) {
      expect(text, name).not.toMatch(/\.(skip|skipIf|runIf|todo)\b|ctx\.skip|context\.skip/);
    }
  });
});
