/**
 * The URL rule against PHP's own answers: test/emulator/vectors/php-filter-url.json was generated once by
 * real PHP (test/emulator/vectors/php-filter-url.php says how), so neither the provider nor the emulator
 * is checked against itself. Appwrite 1.9.6's `URL` validator is `filter_var(FILTER_VALIDATE_URL)`
 * plus a case-sensitive http/https list.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UrlValidator } from "../../emulator/validators/url-validator";
import { validateArgs } from "../../provider/lifecycle/schema";
import { phpHttpUrl, webhookUrlProblem } from "../../provider/lifecycle/url-rules";

interface Vector {
  url: string;
  valid: boolean;
  scheme: string | null;
  host: string | null;
}
const file = JSON.parse(readFileSync(join(__dirname, "vectors", "php-filter-url.json"), "utf8")) as {
  generator: string;
  vectors: Vector[];
};
const acceptedByAppwrite = (v: Vector) => v.valid && (v.scheme === "http" || v.scheme === "https");

describe(`URL vectors from ${file.generator}`, () => {
  it("holds both answers, so it can tell a rule that accepts everything from one that refuses everything", () => {
    expect(file.vectors.filter(acceptedByAppwrite).length).toBeGreaterThan(100);
    expect(file.vectors.filter((v) => !acceptedByAppwrite(v)).length).toBeGreaterThan(100);
  });

  it("the provider's filter accepts exactly what PHP accepts with http or https, and finds the same host", () => {
    const wrong = file.vectors.flatMap((vector) => {
      const parts = phpHttpUrl(vector.url);
      const host = "host" in parts ? parts.host : undefined;
      const expected = acceptedByAppwrite(vector);
      return "host" in parts === expected && (!expected || host === vector.host)
        ? []
        : [{ url: vector.url, php: expected, phpHost: vector.host, provider: parts }];
    });
    expect(wrong).toEqual([]);
  });

  it("the emulator's independent URL validator agrees with PHP too", () => {
    const validator = new UrlValidator(["http", "https"]);
    const wrong = file.vectors.filter(
      (vector) => validator.isValid(vector.url) !== acceptedByAppwrite(vector),
    );
    expect(wrong.map((v) => v.url)).toEqual([]);
  });

  it("every URL PHP refuses fails check, with the url field named", () => {
    const refused = file.vectors.filter((v) => !acceptedByAppwrite(v) && v.url.length <= 255);
    for (const vector of refused) expect(webhookUrlProblem(vector.url), vector.url).toBeDefined();
  });
});

describe("the reproductions of the issue fail in check", () => {
  it.each([
    ["an IDN in Unicode", "https://例え.jp/hook", /"例" \(U\+4F8B\).*percent-encode/],
    ["a space in the path", "https://hooks.example.com/a b", /a space/],
    ["a tab in the path", "https://hooks.example.com/a\tb", /a tab/],
  ])("%s", (_label, url, reason) => {
    const { failures } = validateArgs({ name: "n", url, events: ["users.*.create"] }, () => false);
    expect(failures).toEqual([{ property: "url", reason: expect.stringMatching(reason) as unknown }]);
  });

  it("the punycode form of the same IDN passes", () => {
    expect(webhookUrlProblem("https://xn--r8jz45g.jp/hook")).toBeUndefined();
  });
});
