/**
 * design.md: the emulator imports nothing from provider/, so that a delivery checked against it
 * is checked against an independent implementation: signing, the event catalog and the event
 * validator are the emulator's own.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const EMULATOR = join(ROOT, "emulator");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

describe("the emulator's independence from the provider", () => {
  it("imports nothing from provider/", () => {
    const imports = sources(EMULATOR).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/from\s+"([^"]*provider[^"]*)"/g)].map(
        (match) => `${relative(ROOT, file)} <- ${match[1] ?? ""}`,
      ),
    );
    expect(imports).toEqual([]);
  });
});
