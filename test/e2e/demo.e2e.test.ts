/**
 * The README's main job, `npm install` then `npm run demo`, as a new contributor runs it. `npm
 * test` has installed and built already, and rebuilding `dist/` here would race the other test
 * files that load it, so this runs the demo script that `npm run demo` runs after its build (the
 * test asserts that is what the script says), and checks every step it reports.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { commandLines, snippet } from "../docs/snippets";
import { provisionEngine, REPO_ROOT } from "../support/engine";

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

it("npm run demo provisions, deploys, verifies deliveries, rotates with overlap and destroys", async () => {
  expect(commandLines(snippet("repo-demo").text)).toEqual(["npm install", "npm run demo"]);
  const scripts = (
    JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  expect(scripts.demo).toBe("npm run build && tsx scripts/demo.ts");

  await provisionEngine();
  const { code, output } = await run(process.execPath, [
    join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs"),
    "scripts/demo.ts",
  ]);
  expect(code, output).toBe(0);
  for (const line of [
    "3 webhooks live in the emulator",
    "signature verified with the current key",
    "new key in place; the old one is now previousSecret",
    "next delivery verified with the current (new) key",
    "a delivery signed with the old key alone is rejected",
    "with previousSecret configured it is accepted during the rotation window",
    "0 webhooks left in the emulator",
    "3 webhooks created, 2 deliveries verified, 1 rotation with overlap, destroyed",
  ]) {
    expect(output).toContain(line);
  }
  // The outputs it prints mask every key.
  expect(output).toMatch(/signingKeys: \[secret\]/);
});
