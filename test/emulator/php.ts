/**
 * Runs PHP itself (php-cli and php-curl from Debian's packages, as scripts/setup-php.sh installs
 * them before `npm test` runs anything) for expected values. A missing PHP is a failure with the
 * fix in its message, never a skip: the tests that call this have no other independent source.
 */
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

export const PHP_SCRIPTS = join(__dirname, "php");
const INSTALL_HINT =
  "`npm test` installs it first (scripts/setup-php.sh), or: apt-get install -y php-cli php-curl";

const missingPhp = (error: Error, script: string): Error =>
  new Error(
    (error as NodeJS.ErrnoException).code === "ENOENT"
      ? `php is not installed; ${INSTALL_HINT}`
      : `php ${script} failed: ${error.message}`,
  );

/** Blocks the event loop: only for scripts that talk to nothing in this process. */
export function runPhpSync(script: string, input: string): string {
  const result = spawnSync("php", [join(PHP_SCRIPTS, script)], {
    input,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  if (result.error) throw missingPhp(result.error, script);
  if (result.status !== 0) throw new Error(`php ${script} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

/** Leaves the event loop running, so PHP may call a server in this process. */
export function runPhp(script: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("php", [join(PHP_SCRIPTS, script)], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", (error) => reject(missingPhp(error, script)));
    child.on("close", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`php ${script} exited ${code}: ${stderr}`)),
    );
    child.stdin.end(input);
  });
}

/** PHP's worker body for each payload text: the body's bytes (latin1 string) or PHP's error. */
export type PhpBody = { body: string } | { error: string };

export function parsePhpBodies(output: string): PhpBody[] {
  return output
    .trim()
    .split("\n")
    .map((line) => {
      const parsed = JSON.parse(line) as { body?: string; error?: string };
      return parsed.body !== undefined
        ? { body: Buffer.from(parsed.body, "base64").toString("latin1") }
        : { error: String(parsed.error) };
    });
}

export function phpWorkerBodies(payloadTexts: readonly string[]): PhpBody[] {
  return parsePhpBodies(
    runPhpSync("worker-body.php", payloadTexts.map((text) => JSON.stringify(text)).join("\n") + "\n"),
  );
}
