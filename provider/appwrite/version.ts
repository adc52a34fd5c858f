import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as sea from "node:sea";

/** package.json as an asset of the single-executable plugin (`npm run build:plugin`), which has no package beside it. */
export const MANIFEST_ASSET = "package.json";

/**
 * This package's version, read from its package.json at load time (not compiled in), so that the
 * User-Agent names the code that actually runs.
 */
export const PACKAGE_VERSION: string = (() => {
  try {
    const text = sea.isSea()
      ? sea.getAsset(MANIFEST_ASSET, "utf8")
      : readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8");
    const manifest = JSON.parse(text) as {
      version?: string;
    };
    return manifest.version ?? "unknown";
  } catch {
    return "unknown";
  }
})();
