/**
 * The committed package schema and declaration JSON Schema (provider/schema-files.ts) are what the
 * build writes, byte for byte: the build's own step writes them afresh into a scratch directory
 * from the compiled code (`npm test` builds first), and each committed copy is compared with its
 * fresh one. A change to the resource's inputs or the file's shape that is not in the committed
 * schema fails here, with the command that refreshes it.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEMA_FILES } from "../../provider/schema-files";
import { REPO_ROOT, WORK_ROOT } from "../support/engine";

const run = promisify(execFile);
const REFRESH = "npm run schemas";

let fresh: string;

beforeAll(async () => {
  mkdirSync(WORK_ROOT, { recursive: true });
  fresh = mkdtempSync(join(WORK_ROOT, "schemas-"));
  // The build's step, as package.json runs it, into the scratch directory instead of dist/schema.
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const step = /node (dist\/provider\/schema-files\.js) dist\/schema/.exec(manifest.scripts.build ?? "");
  expect(step, "the build writes dist/schema with dist/provider/schema-files.js").not.toBeNull();
  await run(process.execPath, [join(REPO_ROOT, step?.[1] ?? ""), fresh], { cwd: REPO_ROOT });
});
afterAll(() => {
  if (fresh) rmSync(fresh, { recursive: true, force: true });
});

describe("the committed schemas", () => {
  it("are every schema the build writes", () => {
    expect(readdirSync(fresh).sort()).toEqual(SCHEMA_FILES.map((file) => file.name).sort());
  });

  it.each(SCHEMA_FILES.map((file) => ({ ...file, path: `${file.committedIn}/${file.name}` })))(
    "$path is byte for byte what the build writes",
    ({ name, path }) => {
      const committed = readFileSync(join(REPO_ROOT, path), "utf8");
      expect(
        committed,
        `${path} is stale: the build writes a different ${name}. Run \`${REFRESH}\` and commit the result`,
      ).toBe(readFileSync(join(fresh, name), "utf8"));
    },
  );

  it(`\`${REFRESH}\` rebuilds and then writes the committed copies`, () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts.schemas).toBe("npm run build && node dist/provider/schema-files.js --committed");
  });
});
