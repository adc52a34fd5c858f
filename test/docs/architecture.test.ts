/**
 * design.md: the emulator imports nothing from provider/, so that a delivery checked against it
 * is checked against an independent implementation. The signing code is the emulator's own
 * now; the two imports left (the event catalog and the event validator) are listed here so a
 * new one fails this test, and removing one means updating the list.
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
  it("imports from provider/ only the event catalog and validator, and no signing code", () => {
    const imports = sources(EMULATOR).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/from\s+"([^"]*provider[^"]*)"/g)].map(
        (match) => `${relative(ROOT, file)} <- ${match[1] ?? ""}`,
      ),
    );
    expect(imports.sort()).toEqual([
      "emulator/delivery/generate-events.ts <- ../../provider/lifecycle/appwrite-events-1.9.6.json",
      "emulator/validators/event-validator.ts <- ../../provider/lifecycle/events",
    ]);
  });
});
