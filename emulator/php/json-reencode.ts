/**
 * The body the 1.9.6 worker sends: `json_encode($payload['payload'])` after the queue's
 * `json_decode($message, true)` (utopia-php/queue Connection\Redis::rightPopArray), i.e.
 * PHP's json_encode(json_decode(text, true)) applied to the payload text the queue holds.
 *
 * JSON.parse cannot stand in for PHP here: it rounds 64-bit integers, moves integer-like keys
 * first, and cannot tell `{}` from a PHP array. So the text is parsed losslessly (jsonc-parser
 * keeps every member in source order with its literal text), and only PHP's own rules are
 * written here:
 * - decode as array: an object becomes an ordered PHP array; a repeated key keeps its first
 *   position and takes the last value (zend_symtable_update);
 * - integer literals within int64 stay integers, others become floats (the JSON scanner's
 *   bigint rule, without JSON_BIGINT_AS_STRING);
 * - encode: an array whose keys are 0..n-1 in order is a list (`{}` and `{"0":…}` included),
 *   anything else an object; floats in PHP's serialize_precision=-1 form; strings with the
 *   default flags (`\/`, `\uXXXX` for non-ASCII).
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from "jsonc-parser";
import { encodeString, phpFloatToString } from "./php-builtins";

/**
 * json_decode's default depth of 512 lets arrays nest 511 levels, and the queue message wraps
 * the payload in two of them, so a payload may nest 509 levels.
 */
const MAX_PAYLOAD_NESTING = 512 - 1 - 2;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A PHP value as json_decode(…, true) leaves it; a Map keeps PHP's insertion order. */
type PhpValue = null | boolean | string | bigint | number | PhpArray;
type PhpArray = Map<string, PhpValue>;

export class PhpJsonError extends Error {}

/** A JSON number literal as the PHP scanner reads it: int64 when it fits, else a float. */
function decodeNumber(literal: string): bigint | number {
  if (/^-?\d+$/.test(literal)) {
    const integer = BigInt(literal);
    if (integer >= INT64_MIN && integer <= INT64_MAX) return integer;
  }
  // zend_strtod is correctly rounded, as Number() is; overflow gives INF, which encode refuses.
  return Number(literal);
}

function hasLoneSurrogate(value: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
}

function decodeString(node: Node): string {
  const value = node.value as string;
  if (hasLoneSurrogate(value))
    throw new PhpJsonError(
      `Single unpaired UTF-16 surrogate in unicode escape at offset ${node.offset}: json_decode fails`,
    );
  return value;
}

function decodeNode(node: Node, text: string, depth: number): PhpValue {
  switch (node.type) {
    case "null":
      return null;
    case "boolean":
      return node.value as boolean;
    case "string":
      return decodeString(node);
    case "number":
      return decodeNumber(text.slice(node.offset, node.offset + node.length));
    case "array":
    case "object": {
      if (depth > MAX_PAYLOAD_NESTING)
        throw new PhpJsonError(
          `The payload nests deeper than ${MAX_PAYLOAD_NESTING} levels: ` +
            `json_decode of the queue message fails (Maximum stack depth exceeded)`,
        );
      const array: PhpArray = new Map();
      const children = node.children ?? [];
      if (node.type === "array") {
        children.forEach((child, index) => array.set(String(index), decodeNode(child, text, depth + 1)));
        return array;
      }
      for (const property of children) {
        const [key, value] = property.children as [Node, Node];
        // PHP's numeric-string keys ("10" → 10) map one to one onto their canonical strings,
        // so the key text itself is the array key's identity.
        array.set(decodeString(key), decodeNode(value, text, depth + 1));
      }
      return array;
    }
    default:
      throw new PhpJsonError(`Unexpected JSON node ${node.type}`);
  }
}

/** zend_array_is_list: keys exactly 0, 1, …, n-1 in that order. */
function isList(array: PhpArray): boolean {
  let expected = 0;
  for (const key of array.keys()) if (key !== String(expected++)) return false;
  return true;
}

function encodeValue(value: PhpValue): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return phpFloatToString(value);
  if (typeof value === "string") return encodeString(value, false);
  if (isList(value)) return "[" + [...value.values()].map(encodeValue).join(",") + "]";
  const members: string[] = [];
  for (const [key, child] of value) members.push(encodeString(key, false) + ":" + encodeValue(child));
  return "{" + members.join(",") + "}";
}

/**
 * PHP's json_encode(json_decode(text, true)) with default flags, for a payload as the queue
 * holds it. Throws PhpJsonError where PHP's decode or encode would fail.
 */
export function phpReencode(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    throw new PhpJsonError(`The payload is not valid JSON: ${(error as Error).message}`);
  }
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first || !tree)
    throw new PhpJsonError(
      `The payload is not valid JSON: ${first ? printParseErrorCode(first.error) : "empty"} at offset ${first?.offset ?? 0}`,
    );
  const value = decodeNode(tree, text, 1);
  try {
    return encodeValue(value);
  } catch (error) {
    throw new PhpJsonError(`json_encode fails on the payload: ${(error as Error).message}`);
  }
}
