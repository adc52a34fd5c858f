/**
 * Two limits of the design, checked on the source: no TypeScript file in provider/, receiver/ or
 * emulator/ is over 400 lines (a file that grows past it is usually two rooms), and no module of
 * provider/, receiver/, emulator/ or cli/ reaches itself through its imports (a circle means two
 * modules are one concern, or a rule sits in the wrong one). The module graph is
 * dependency-cruiser's: it resolves imports as TypeScript does and counts type-only imports and
 * lazy `import()`s too, since a circle through a type or a deferred load is still a circle.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "../..");
const MAX_LINES = 400;
const SIZE_LIMITED_ROOMS = ["provider", "receiver", "emulator"];
const CIRCLE_FREE_ROOMS = ["provider", "receiver", "emulator", "cli"];

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory())
      return ["node_modules", "dist"].includes(entry.name) ? [] : typescriptFiles(join(dir, entry.name));
    return entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [];
  });
}

/** Lines as `wc -l` counts them: newline characters, plus a last line without one. */
function lineCount(text: string): number {
  const newlines = text.split("\n").length - 1;
  return text.length > 0 && !text.endsWith("\n") ? newlines + 1 : newlines;
}

/** Every import circle among the modules under `paths`, each as `a.ts -> b.ts -> a.ts`, relative to `baseDir`. */
async function importCircles(paths: string[], baseDir: string): Promise<string[]> {
  // dependency-cruiser is an ES module; this file is CommonJS to the type checker.
  const { cruise } = await import("dependency-cruiser");
  const result = await cruise(paths, {
    baseDir,
    tsPreCompilationDeps: true,
    doNotFollow: { path: "node_modules" },
    validate: true,
    ruleSet: {
      forbidden: [{ name: "no-circular", severity: "error", from: {}, to: { circular: true } }],
    },
  });
  if (typeof result.output === "string") throw new Error("dependency-cruiser returned text, not a result");
  const circles = result.output.summary.violations.flatMap((violation) =>
    violation.cycle ? [[violation.from, ...violation.cycle.map((step) => step.name)]] : [],
  );
  // The same circle may be reported from each module on it: keep one, starting at its least name.
  const normalized = circles.map((circle) => {
    const ring = circle.slice(0, -1);
    const start = ring.indexOf([...ring].sort()[0] ?? "");
    const rotated = [...ring.slice(start), ...ring.slice(0, start)];
    return [...rotated, rotated[0]].join(" -> ");
  });
  return [...new Set(normalized)].sort();
}

describe("module limits", () => {
  it(`no .ts file in ${SIZE_LIMITED_ROOMS.join("/, ")}/ is over ${MAX_LINES} lines`, () => {
    const files = SIZE_LIMITED_ROOMS.flatMap((room) => typescriptFiles(join(ROOT, room)));
    expect(files.length).toBeGreaterThan(50);
    const over = files
      .map((file) => ({ file: relative(ROOT, file), lines: lineCount(readFileSync(file, "utf8")) }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(over).toEqual([]);
  });

  it(`no import circle among the modules of ${CIRCLE_FREE_ROOMS.join("/, ")}/`, async () => {
    expect(await importCircles(CIRCLE_FREE_ROOMS, ROOT)).toEqual([]);
  }, 60_000);

  it("the circle check finds circles through type-only imports and lazy import()s", async () => {
    mkdirSync(join(ROOT, ".work"), { recursive: true });
    const dir = mkdtempSync(join(ROOT, ".work", "import-circles-"));
    try {
      const files = {
        "a.ts": 'import type { B } from "./b";\nexport type A = { b?: B };\n',
        "b.ts": 'import type { A } from "./a";\nexport type B = { a?: A };\n',
        "c.ts": 'export const c = () => import("./d");\n',
        "d.ts": 'import { c } from "./c";\nexport const d = c;\n',
        "e.ts": 'import { c } from "./c";\nexport const e = c;\n',
      };
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      expect(await importCircles(["."], dir)).toEqual(["a.ts -> b.ts -> a.ts", "c.ts -> d.ts -> c.ts"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
