/**
 * The delivery body against PHP itself: Appwrite 1.9.6's worker sends
 * json_encode(json_decode(queue text, true)['payload']['payload']) (utopia-php/queue 0.21.1
 * Connection\Redis::rightPopArray, then Workers/Webhooks.php line 67). Expected values come
 * from PHP 8.2's json extension only:
 * - committed vectors, made by
 *     php test/emulator/php/worker-body.php \
 *       < test/emulator/vectors/php-json-inputs.jsonl > test/emulator/vectors/php-json-outputs.jsonl
 *   always run, and are re-made with the live PHP to prove they are not stale;
 * - a property test: arbitrary JSON texts (64-bit and larger integers, floats in every
 *   exponent range, empty objects, numeric and duplicate keys, lone surrogates) through the
 *   emulator and through PHP in one batch.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PhpJsonError, phpReencode } from "../../emulator/php/json-reencode";
import { parsePhpBodies, phpWorkerBodies, type PhpBody } from "./php";

const VECTORS = join(__dirname, "vectors");
const inputs = readFileSync(join(VECTORS, "php-json-inputs.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as string);
const outputs = parsePhpBodies(readFileSync(join(VECTORS, "php-json-outputs.jsonl"), "utf8"));

function emulatorBody(text: string): PhpBody {
  try {
    return { body: phpReencode(text) };
  } catch (error) {
    if (!(error instanceof PhpJsonError)) throw error;
    return { error: error.message };
  }
}

/** Same bytes, or both refuse (the messages differ: the emulator says which rule). */
function sameOutcome(actual: PhpBody, expected: PhpBody): boolean {
  return "body" in expected ? "body" in actual && actual.body === expected.body : "error" in actual;
}

describe("the delivery body is PHP's json_encode(json_decode(payload, true))", () => {
  it("matches every committed PHP vector", () => {
    expect(outputs).toHaveLength(inputs.length);
    const mismatches = inputs.filter((text, i) => !sameOutcome(emulatorBody(text), outputs[i] as PhpBody));
    expect(mismatches).toEqual([]);
    // The rules the issue names, spelled out so a reader sees them (values from the vectors).
    expect(emulatorBody('{"prefs":{}}')).toEqual({ body: '{"prefs":[]}' });
    expect(emulatorBody('{"0":"a","1":"b"}')).toEqual({ body: '["a","b"]' });
    expect(emulatorBody('{"b":1,"10":2}')).toEqual({ body: '{"b":1,"10":2}' });
  });

  it("has committed vectors that live PHP still produces", () => {
    expect(phpWorkerBodies(inputs)).toEqual(outputs);
  });

  it("agrees with live PHP on arbitrary JSON texts", () => {
    const seed = Date.now();
    const texts = fc.sample(jsonText, { numRuns: 400, seed });
    const php = phpWorkerBodies(texts);
    const mismatches = texts
      .map((text, i) => ({ text, php: php[i] as PhpBody, emulator: emulatorBody(text) }))
      .filter(({ php: expected, emulator }) => !sameOutcome(emulator, expected));
    expect(mismatches, `fast-check seed ${seed}`).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Arbitrary JSON texts, built as text so that what JavaScript objects cannot hold (key order,
// duplicates, big integers, exponent spellings) is there.
// ---------------------------------------------------------------------------------------------

const integerLiteral = fc.oneof(
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.constantFrom(
    "0",
    "-0",
    "9007199254740993",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "123456789012345678",
  ),
);
const floatLiteral = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => JSON.stringify(x)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => x.toExponential()),
  fc
    .tuple(
      fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
      fc.stringMatching(/^\d{0,18}$/),
      fc.constantFrom("e", "E", "e+", "e-", "E-"),
      fc.integer({ min: 0, max: 330 }),
    )
    .map(([int, fraction, e, exp]) => `${int}${fraction ? "." + fraction : ""}${e}${exp}`),
  fc.constantFrom("1e20", "1e-5", "1e17", "1e16", "1e25", "1.0", "-0.0", "0.0001", "1e400", "5e-324"),
);
const stringLiteral = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 8 }).map((s) => JSON.stringify(s)),
  fc.string({ unit: "binary", maxLength: 4 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"a/b"', '"\\u00e9"', '"\\u2028"', '"\\ud83d\\ude00"', '"\\ud800"', '"\\u0000"'),
);
const key = fc.oneof(
  fc.string({ maxLength: 4 }).map((s) => JSON.stringify(s)),
  fc.integer({ min: 0, max: 4 }).map((n) => `"${n}"`),
  fc.constantFrom('"10"', '"-0"', '"01"', '"-1"', '""', '"9223372036854775808"', '"9223372036854775807"'),
);
const { value: jsonValue } = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("null", "true", "false"),
    integerLiteral,
    floatLiteral,
    stringLiteral,
    tie("array"),
    tie("object"),
  ),
  array: fc.array(tie("value"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
  object: fc
    .array(fc.tuple(key, tie("value")), { maxLength: 5 })
    .map((members) => `{${members.map(([k, v]) => `${k}:${v}`).join(",")}}`),
}));
const jsonText = fc.oneof(
  jsonValue,
  jsonValue.map((text) => ` ${text}\n`),
);
