/**
 * The verify benchmark's module, small: every runtime answers, each row is a positive time with
 * its ratio to node:crypto, and the section renders one table row per runtime. Ten verifications
 * a batch, so workerd's outside timing (a batch minus an empty request) stays above the noise.
 */
import { expect, it } from "vitest";
import { measureVerifyRuntimes, renderVerifyRuntimes } from "../../bench/verify-runtimes";

it("measures a 1 MiB verification in every runtime beside node:crypto", async () => {
  const rows = await measureVerifyRuntimes({ iterations: 10, repeats: 1 });
  expect(rows.map((row) => `${row.runtime}/${row.implementation}`)).toEqual([
    "node/node:crypto",
    "node/Web Crypto",
    "bun/Web Crypto",
    "deno/Web Crypto",
    "workerd/Web Crypto",
  ]);
  for (const row of rows) {
    expect(row.msPerVerify, row.runtime).toBeGreaterThan(0);
    expect(row.ratioToNodeCrypto).toBeCloseTo(row.msPerVerify / (rows[0]?.msPerVerify ?? 1), 6);
  }
  const section = renderVerifyRuntimes(rows);
  expect(section.split("\n").filter((line) => /^\| (node|bun|deno|workerd) \|/.test(line))).toHaveLength(5);
}, 120_000);
