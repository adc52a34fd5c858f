/**
 * `queries` of GET /v1/webhooks: parsing (utopia-php/database `Query::parse`) and the
 * parameter validator (`Queries` with Appwrite's Limit, Offset, Cursor, Filter and Order
 * rules for the webhooks collection), with the messages clients see. Running a validated
 * query set is in ../state/query-engine.ts.
 */
import { numberFormat } from "../php/php-builtins";
import { UidValidator } from "./param-validators";
import type { Validator } from "./validator";

export interface Query {
  method: string;
  attribute: string;
  /** For and/or these are nested queries. */
  values: unknown[];
}

export class QueryParseError extends Error {}

// prettier-ignore
const FILTER_METHODS = new Set([
  "equal", "notEqual", "lessThan", "lessThanEqual", "greaterThan", "greaterThanEqual",
  "contains", "containsAny", "containsAll", "notContains", "search", "notSearch", "isNull", "isNotNull",
  "between", "notBetween", "startsWith", "notStartsWith", "endsWith", "notEndsWith", "regex", "exists",
  "notExists", "and", "or", "elemMatch", "crosses", "notCrosses", "distanceEqual", "distanceNotEqual",
  "distanceGreaterThan", "distanceLessThan", "intersects", "notIntersects", "overlaps", "notOverlaps",
  "touches", "notTouches", "vectorDot", "vectorCosine", "vectorEuclidean",
]);
// prettier-ignore
const SPATIAL_METHODS = new Set([
  "crosses", "notCrosses", "distanceEqual", "distanceNotEqual", "distanceGreaterThan", "distanceLessThan",
  "intersects", "notIntersects", "overlaps", "notOverlaps", "touches", "notTouches",
]);
const VECTOR_METHODS = new Set(["vectorDot", "vectorCosine", "vectorEuclidean"]);
const OTHER_METHODS = new Set([
  "select",
  "orderAsc",
  "orderDesc",
  "orderRandom",
  "limit",
  "offset",
  "cursorAfter",
  "cursorBefore",
]);
const LOGICAL_METHODS = new Set(["and", "or", "elemMatch"]);

export function isFilterMethod(method: string): boolean {
  return FILTER_METHODS.has(method);
}

/** PHP gettype, for parse error messages. */
function phpType(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "double";
  return "array";
}

function isPhpArray(value: unknown): value is Record<string, unknown> | unknown[] {
  return value !== null && typeof value === "object";
}

/** `Query::parseQuery` on a decoded array. */
function parseQueryArray(query: Record<string, unknown> | unknown[]): Query {
  const record = query as Record<string, unknown>;
  const method = record["method"] ?? "";
  const attribute = record["attribute"] ?? "";
  const values = record["values"] ?? [];
  if (typeof method !== "string")
    throw new QueryParseError(`Invalid query method. Must be a string, got ${phpType(method)}`);
  if (!FILTER_METHODS.has(method) && !OTHER_METHODS.has(method))
    throw new QueryParseError(`Invalid query method: ${method}`);
  if (typeof attribute !== "string") {
    throw new QueryParseError(`Invalid query attribute. Must be a string, got ${phpType(attribute)}`);
  }
  if (!isPhpArray(values))
    throw new QueryParseError(`Invalid query values. Must be an array, got ${phpType(values)}`);
  let list = Array.isArray(values) ? values : Object.values(values);
  if (LOGICAL_METHODS.has(method)) {
    list = list.map((value) => {
      if (!isPhpArray(value)) {
        throw new QueryParseError(
          `Utopia\\Database\\Query::parseQuery(): Argument #1 ($query) must be of type array, ${phpType(value).toLowerCase()} given`,
        );
      }
      return parseQueryArray(value);
    });
  }
  return { method, attribute, values: list };
}

/** `Query::parse`: a JSON string holding `{method, attribute, values}`. */
export function parseQuery(raw: unknown): Query {
  if (typeof raw !== "string") {
    throw new QueryParseError(
      `Utopia\\Database\\Query::parse(): Argument #1 ($query) must be of type string, ${phpType(raw).toLowerCase()} given`,
    );
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(raw);
  } catch {
    // PHP's JsonException message for any malformed input is "Syntax error".
    throw new QueryParseError("Invalid query: Syntax error");
  }
  if (!isPhpArray(decoded))
    throw new QueryParseError(`Invalid query. Must be an array, got ${phpType(decoded)}`);
  return parseQueryArray(decoded);
}

type AttributeType = "string" | "boolean" | "integer" | "datetime";
interface AttributeSchema {
  type: AttributeType;
  array: boolean;
}

/** The webhooks collection as the query validator sees it (DB column names). */
const SCHEMA: Readonly<Record<string, AttributeSchema>> = {
  name: { type: "string", array: false },
  url: { type: "string", array: false },
  httpUser: { type: "string", array: false },
  security: { type: "boolean", array: false },
  events: { type: "string", array: true },
  enabled: { type: "boolean", array: false },
  logs: { type: "string", array: false },
  attempts: { type: "integer", array: false },
  $id: { type: "string", array: false },
  $createdAt: { type: "datetime", array: false },
  $updatedAt: { type: "datetime", array: false },
  $sequence: { type: "integer", array: false },
};

/** APP_DATABASE_QUERY_MAX_VALUES. */
const MAX_VALUES = 500;
const PHP_INT_MAX = 9223372036854775807n;

function ucfirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function valueFits(type: AttributeType, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "datetime":
      return typeof value === "string" && !Number.isNaN(Date.parse(value));
  }
}

/** Filter validator; returns the failure message or undefined. */
function filterProblem(query: Query): string | undefined {
  const { method, attribute, values } = query;
  // prettier-ignore
  const needsOne = ["notEqual", "lessThan", "lessThanEqual", "greaterThan", "greaterThanEqual", "search", "notSearch",
    "startsWith", "notStartsWith", "endsWith", "notEndsWith", "regex"];
  if (method === "and" || method === "or") {
    if (values.some((value) => !isFilterMethod((value as Query).method))) {
      return `${ucfirst(method)} queries can only contain filter queries`;
    }
    return values.length < 2 ? `${ucfirst(method)} queries require at least two queries` : undefined;
  }
  if (method === "elemMatch") return "elemMatch is not supported by the database";
  const schema = SCHEMA[attribute];
  const attributeName = attribute.includes(".") ? (attribute.split(".")[0] as string) : attribute;
  if (!schema && !SCHEMA[attributeName]) return `Attribute not found in schema: ${attributeName}`;
  if (VECTOR_METHODS.has(method)) return "Vector queries can only be used on vector attributes";
  const empty = values.length === 0 || (Array.isArray(values[0]) && values[0].length === 0);
  if (
    ["equal", "contains", "containsAny", "notContains", "containsAll", "exists", "notExists"].includes(
      method,
    ) &&
    empty
  ) {
    return `${ucfirst(method)} queries require at least one value.`;
  }
  if (SPATIAL_METHODS.has(method) && empty) return `${ucfirst(method)} queries require at least one value.`;
  if (needsOne.includes(method) && values.length !== 1)
    return `${ucfirst(method)} queries require exactly one value.`;
  if ((method === "between" || method === "notBetween") && values.length !== 2) {
    return `${ucfirst(method)} queries require exactly two values.`;
  }
  if (method === "exists" || method === "notExists") return undefined;
  const resolved = schema ?? (SCHEMA[attributeName] as AttributeSchema);
  if (values.length > MAX_VALUES)
    return `Query on attribute has greater than ${MAX_VALUES} values: ${attributeName}`;
  if (SPATIAL_METHODS.has(method)) {
    return `Spatial query "${method}" cannot be applied on non-spatial attribute: ${attributeName}`;
  }
  for (const value of values) {
    if (!valueFits(resolved.type, value)) return `Query value is invalid for attribute "${attributeName}"`;
  }
  const containsFamily = ["contains", "containsAny", "containsAll", "notContains"].includes(method);
  if (!resolved.array && containsFamily && resolved.type !== "string") {
    const kind = method === "notContains" ? "notContains" : "contains";
    return `Cannot query ${kind} on attribute "${attributeName}" because it is not an array, string, or object.`;
  }
  if (resolved.array && !containsFamily && !["isNull", "isNotNull"].includes(method)) {
    return `Cannot query ${method} on attribute "${attributeName}" because it is an array.`;
  }
  return undefined;
}

/** Numeric + Range(min, PHP_INT_MAX) of the Limit and Offset rules. */
function rangeProblem(value: unknown, min: bigint, label: "limit" | "offset"): string | undefined {
  const numeric =
    (typeof value === "number" && Number.isFinite(value)) ||
    (typeof value === "string" && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value));
  // Offset's non-numeric message says "limit": a copy-paste slip kept from utopia-php/database.
  if (!numeric) return "Invalid limit: Value must be a valid number";
  const number = Number(value);
  if (!Number.isInteger(number) || BigInt(number) < min || BigInt(number) > PHP_INT_MAX) {
    return `Invalid ${label}: Value must be a valid range between ${numberFormat(min)} and ${numberFormat(PHP_INT_MAX)}`;
  }
  return undefined;
}

function queryProblem(query: Query): string | undefined {
  const { method } = query;
  if (method === "limit") return rangeProblem(query.values[0], 1n, "limit");
  if (method === "offset") return rangeProblem(query.values[0], 0n, "offset");
  if (method === "cursorAfter" || method === "cursorBefore") {
    const uid = new UidValidator();
    return uid.isValid(query.values[0]) ? undefined : `Invalid cursor: ${uid.description}`;
  }
  if (method === "orderAsc" || method === "orderDesc") {
    const attribute = query.attribute;
    if (attribute.includes(".")) {
      const top = attribute.split(".")[0] as string;
      if (SCHEMA[top]) return `Cannot order by nested attribute: ${top}`;
      return `Attribute not found in schema: ${top}`;
    }
    return SCHEMA[attribute] ? undefined : `Attribute not found in schema: ${attribute}`;
  }
  if (method === "orderRandom") return undefined;
  if (isFilterMethod(method)) return filterProblem(query);
  return undefined;
}

/** The API names that Appwrite rewrites to column names, textually, before validating. */
const ATTRIBUTE_ALIASES: ReadonlyArray<[string, string]> = [
  ['"tls"', '"security"'],
  ['"authUsername"', '"httpUser"'],
];

/**
 * The `queries` parameter validator (Appwrite `Queries\Webhooks`). Its description is the
 * last failure, e.g. `Invalid query: Attribute not found in schema: secret`.
 */
export class WebhookQueriesValidator implements Validator {
  private message = "Invalid queries";

  get description(): string {
    return this.message;
  }

  isValid(value: unknown): boolean {
    if (value === null || typeof value !== "object") {
      this.message = "Queries must be an array";
      return false;
    }
    const raw = Object.values(value).map((item) =>
      // Appwrite's alias rewrite is a plain str_replace on the JSON text, values included.
      typeof item === "string"
        ? ATTRIBUTE_ALIASES.reduce((text, [from, to]) => text.split(from).join(to), item)
        : item,
    );
    const queries: Query[] = [];
    for (const item of raw) {
      try {
        queries.push(parseQuery(item));
      } catch (error) {
        this.message = `Invalid query: ${(error as Error).message}`;
        return false;
      }
    }
    return this.validateAll(queries);
  }

  private validateAll(queries: readonly Query[]): boolean {
    for (const query of queries) {
      if (
        (query.method === "and" || query.method === "or" || query.method === "elemMatch") &&
        !this.validateAll(query.values as Query[])
      ) {
        return false;
      }
      if (query.method === "select" || (!isFilterMethod(query.method) && !OTHER_METHODS.has(query.method))) {
        this.message = `Invalid query method: ${query.method}`;
        return false;
      }
      const problem = queryProblem(query);
      if (problem !== undefined) {
        this.message = `Invalid query: ${problem}`;
        return false;
      }
    }
    return true;
  }
}
