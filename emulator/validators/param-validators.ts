/**
 * The parameter validators of Appwrite 1.9.6's webhooks routes (utopia-php/validators,
 * utopia-php/database and Appwrite's own), with their exact description texts, because those
 * texts reach clients verbatim in ``Invalid `x` param: <description>``.
 */
import { mbStrlen } from "../php/php-builtins";
import type { Validator } from "./validator";

/** SQL adapters' `getMaxUIDLength()`; Appwrite's platform DB is MariaDB. */
export const MAX_UID_LENGTH = 36;
/** APP_LIMIT_ARRAY_PARAMS_SIZE: the most events a webhook may list. */
export const MAX_EVENTS = 100;

/**
 * The values PHP would treat as an array. A JSON object decodes to an associative array
 * unless it is empty (then it stays a stdClass and is not an array).
 */
export function phpArrayValues(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === "object") {
    const values = Object.values(value);
    return values.length > 0 ? values : undefined;
  }
  return undefined;
}

/** utopia `Text`: a string of min..max code points (min defaults to 1). */
export class TextValidator implements Validator {
  constructor(
    private readonly max: number,
    private readonly min = 1,
  ) {}

  get description(): string {
    let message = "Value must be a valid string";
    if (this.min) message += ` and at least ${this.min} chars`;
    if (this.max) message += ` and no longer than ${this.max} chars`;
    return message;
  }

  isValid(value: unknown): boolean {
    if (typeof value !== "string") return false;
    const length = mbStrlen(value);
    return length >= this.min && (this.max === 0 || length <= this.max);
  }
}

/** utopia `Boolean`: strict accepts only true/false; loose also "true"/"false"/"1"/"0"/1/0. */
export class BooleanValidator implements Validator {
  constructor(private readonly loose = false) {}

  readonly description = "Value must be a valid boolean";

  isValid(value: unknown): boolean {
    if (typeof value === "boolean") return true;
    return (
      this.loose &&
      (value === "true" || value === "false" || value === "1" || value === "0" || value === 1 || value === 0)
    );
  }
}

/**
 * utopia-database `Key`: non-empty, [A-Za-z0-9._-], no leading `_`, `.`, `-` (or `$`), at
 * most 36 characters.
 */
function isValidKey(value: unknown, maxLength: number): boolean {
  if (typeof value !== "string" || value === "") return false;
  const leading = value[0];
  if (leading === "_" || leading === "." || leading === "-" || leading === "$") return false;
  if (/[^A-Za-z0-9_.-]/.test(value)) return false;
  return value.length <= maxLength;
}

/** Appwrite `CustomId`: the literal `unique()` or a Key. */
export class CustomIdValidator implements Validator {
  constructor(private readonly maxLength = MAX_UID_LENGTH) {}

  get description(): string {
    return `Parameter must contain at most ${this.maxLength} chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char`;
  }

  isValid(value: unknown): boolean {
    return value === "unique()" || isValidKey(value, this.maxLength);
  }
}

/** utopia-database `UID`: the Key rule, with a description that undersells it. */
export class UidValidator implements Validator {
  constructor(private readonly maxLength = MAX_UID_LENGTH) {}

  get description(): string {
    return `UID must contain at most ${this.maxLength} chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore`;
  }

  isValid(value: unknown): boolean {
    return isValidKey(value, this.maxLength);
  }
}

/** utopia `Nullable`: null passes, anything else goes to the wrapped validator. */
export class NullableValidator implements Validator {
  constructor(private readonly inner: Validator) {}

  get description(): string {
    return `${this.inner.description} or null`;
  }

  isValid(value: unknown): boolean {
    return value === null || this.inner.isValid(value);
  }
}

/** utopia `ArrayList`: a PHP array of at most `length` items that each pass `inner`. */
export class ArrayListValidator implements Validator {
  constructor(
    private readonly inner: Validator,
    private readonly length = 0,
  ) {}

  get description(): string {
    // "must a valid" is verbatim from utopia-php/validators.
    let message = "Value must a valid array";
    if (this.length > 0) message += ` no longer than ${this.length} items`;
    if (this.inner.description !== "") message += ` and ${this.inner.description}`;
    return message;
  }

  isValid(value: unknown): boolean {
    const items = phpArrayValues(value);
    if (!items) return false;
    if (this.length && items.length > this.length) return false;
    return items.every((item) => this.inner.isValid(item));
  }
}

/** utopia `Multiple`: every rule must pass; the description numbers them. */
export class MultipleValidator implements Validator {
  constructor(private readonly rules: readonly Validator[]) {}

  get description(): string {
    return this.rules.map((rule, index) => `${index + 1}. ${rule.description} \n`).join("");
  }

  isValid(value: unknown): boolean {
    return this.rules.every((rule) => rule.isValid(value));
  }
}
