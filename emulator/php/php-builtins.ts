/**
 * Small re-implementations of the PHP behaviours that leak through Appwrite's API: how
 * `json_encode` spells strings and numbers, what `empty()` and truthiness mean, how
 * `mb_strlen` counts and how `version_compare` orders response formats. They live in one
 * place so every other module can say "as PHP does" without re-deriving it.
 */

export interface PhpJsonOptions {
  /**
   * JSON_UNESCAPED_UNICODE. Appwrite's API responses use it; the webhook worker calls
   * `json_encode` with default flags, so deliveries escape every non-ASCII character.
   */
  unescapedUnicode?: boolean;
}

const HEX = "0123456789abcdef";

/** `\uXXXX` with lowercase hex digits, which is what PHP emits. */
function unicodeEscape(codeUnit: number): string {
  return (
    "\\u" +
    HEX[(codeUnit >> 12) & 15] +
    HEX[(codeUnit >> 8) & 15] +
    HEX[(codeUnit >> 4) & 15] +
    HEX[codeUnit & 15]
  );
}

/** A PHP string as json_encode writes it (JSON_UNESCAPED_UNICODE optional, no other flag). */
export function encodeString(value: string, unescapedUnicode: boolean): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    switch (c) {
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += "\\\\";
        continue;
      // PHP escapes "/" unless JSON_UNESCAPED_SLASHES, and Appwrite never passes that flag.
      case 0x2f:
        out += "\\/";
        continue;
      case 0x08:
        out += "\\b";
        continue;
      case 0x0c:
        out += "\\f";
        continue;
      case 0x0a:
        out += "\\n";
        continue;
      case 0x0d:
        out += "\\r";
        continue;
      case 0x09:
        out += "\\t";
        continue;
    }
    if (c < 0x20) {
      out += unicodeEscape(c);
    } else if (c < 0x80) {
      out += value[i];
    } else if (unescapedUnicode && c !== 0x2028 && c !== 0x2029) {
      // U+2028/2029 stay escaped without JSON_UNESCAPED_LINE_TERMINATORS (PHP >= 7.1).
      out += value[i];
    } else {
      // UTF-16 code units map one to one onto PHP's output, surrogate pairs included.
      out += unicodeEscape(c);
    }
  }
  return out + '"';
}

/**
 * A float as PHP writes it with serialize_precision = -1 (php_gcvt, mode 0): the shortest
 * round-trip digits, positional while the decimal exponent is in [-4, 17), otherwise
 * `d.ddde±x` with at least one fractional digit (`1.0e+20`), and never a trailing `.0`.
 */
export function phpFloatToString(value: number): string {
  // json_encode fails on INF/NAN (Appwrite would turn that into a 500, the worker into no body).
  if (!Number.isFinite(value)) throw new Error("Inf and NaN cannot be JSON encoded");
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const sign = value < 0 ? "-" : "";
  // toExponential() without digits gives the shortest round-trip digits, as dtoa mode 0 does.
  const [mantissa, exponentText] = Math.abs(value).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const decpt = Number(exponentText) + 1;
  if (decpt < -3 || decpt > 17) {
    const exponent = decpt - 1;
    const fraction = digits.length > 1 ? digits.slice(1) : "0";
    return `${sign}${digits[0]}.${fraction}e${exponent < 0 ? "-" : "+"}${Math.abs(exponent)}`;
  }
  if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
  if (digits.length <= decpt) return sign + digits + "0".repeat(decpt - digits.length);
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** JavaScript numbers: safe integers are PHP ints, anything else a PHP float. */
function encodeNumber(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : phpFloatToString(value);
}

/** PHP `json_encode` with the flags Appwrite uses (see PhpJsonOptions). */
export function phpJsonEncode(value: unknown, options: PhpJsonOptions = {}): string {
  const unescapedUnicode = options.unescapedUnicode === true;
  const encode = (item: unknown): string => {
    if (item === null || item === undefined) return "null";
    if (typeof item === "boolean") return item ? "true" : "false";
    if (typeof item === "number") return encodeNumber(item);
    if (typeof item === "bigint") return item.toString();
    if (typeof item === "string") return encodeString(item, unescapedUnicode);
    if (Array.isArray(item)) return "[" + item.map(encode).join(",") + "]";
    if (typeof item === "object") {
      const parts: string[] = [];
      for (const [key, child] of Object.entries(item)) {
        if (child === undefined) continue;
        parts.push(encodeString(key, unescapedUnicode) + ":" + encode(child));
      }
      return "{" + parts.join(",") + "}";
    }
    throw new Error(`Type ${typeof item} cannot be JSON encoded`);
  };
  return encode(value);
}

/** PHP `empty()` for the values Appwrite tests: "", "0", null, false, 0 and [] are empty. */
export function phpEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0) return true;
  if (value === "" || value === "0") return true;
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** PHP truthiness of a string segment (used by the event parser): "" and "0" are false. */
export function phpTruthy(value: string | false | undefined): value is string {
  return value !== undefined && value !== false && value !== "" && value !== "0";
}

/** `mb_strlen` on valid UTF-8: the number of code points, not UTF-16 units. */
export function mbStrlen(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** UTF-8 byte length, PHP's `strlen` of a string. */
export function byteLength(value: string): number {
  return Buffer.byteLength(value, "utf8");
}

/**
 * `mb_strcut($text, 0, $bytes)`: the longest prefix of at most `bytes` bytes that does not
 * split a UTF-8 sequence. The worker uses it to keep 10 KB of a failing response body.
 */
export function mbStrcut(text: Buffer, bytes: number): string {
  if (text.length <= bytes) return text.toString("utf8");
  let end = bytes;
  // Step back over continuation bytes (10xxxxxx) so the cut lands on a character start.
  while (end > 0 && ((text[end] as number) & 0xc0) === 0x80) end--;
  return text.subarray(0, end).toString("utf8");
}

/**
 * PHP `version_compare` for dotted numeric versions such as "1.9.5". Appwrite compares the
 * X-Appwrite-Response-Format header with it to pick compatibility filters.
 */
export function versionCompare(a: string, b: string): number {
  const left = a.split(/[.\-+]/).map((part) => Number.parseInt(part, 10) || 0);
  const right = b.split(/[.\-+]/).map((part) => Number.parseInt(part, 10) || 0);
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
  return 0;
}

/** `number_format` for integers (thousands separated by commas), as used in Range messages. */
export function numberFormat(value: bigint | number): string {
  return value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
