import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * This package's version, read from its package.json at load time (not compiled in), so that the
 * User-Agent names the code that actually runs.
 */
export const PACKAGE_VERSION: string = (() => {
  try {
    const manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8")) as {
      version?: string;
    };
    return manifest.version ?? "unknown";
  } catch {
    return "unknown";
  }
})();
