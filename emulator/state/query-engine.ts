/**
 * Runs a validated query set over a project's webhooks the way utopia-php/database's SQL
 * adapter would: filters, then order (with `$sequence` as the tie-breaker), cursor, offset and
 * limit (first of each wins, default limit 25), and a total capped at 5000.
 */
import { AppwriteError, serverError } from "../http/appwrite-errors";
import { isFilterMethod, type Query } from "../validators/queries-validator";
import type { StoredWebhook } from "../types";

/** Database::find's default page size. */
export const DEFAULT_LIMIT = 25;
/** APP_LIMIT_COUNT: the most `total` will ever say. */
export const TOTAL_CAP = 5000;

type Scalar = string | number | boolean;

/** Column name (or API alias) → the stored value. */
function attributeValue(webhook: StoredWebhook, attribute: string): Scalar | string[] | undefined {
  switch (attribute) {
    case "name":
    case "url":
    case "logs":
    case "enabled":
    case "attempts":
    case "events":
    case "$id":
    case "$createdAt":
    case "$updatedAt":
      return webhook[attribute];
    case "httpUser":
    case "authUsername":
      return webhook.authUsername;
    case "security":
    case "tls":
      return webhook.tls;
    case "$sequence":
      return webhook.sequence;
    default:
      return undefined;
  }
}

function compareScalars(a: unknown, b: unknown): number {
  if (typeof a === "boolean" || typeof b === "boolean") return Number(a) - Number(b);
  if (typeof a === "number" && typeof b === "number") return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function matches(webhook: StoredWebhook, query: Query): boolean {
  const { method, values } = query;
  if (method === "and") return values.every((nested) => matches(webhook, nested as Query));
  if (method === "or") return values.some((nested) => matches(webhook, nested as Query));
  const actual = attributeValue(webhook, query.attribute);
  const first = values[0];
  if (Array.isArray(actual)) {
    // Array columns only take the contains family and null checks (enforced by the validator).
    const hits = values.filter((value) => actual.includes(value as string)).length;
    switch (method) {
      case "contains":
      case "containsAny":
        return hits > 0;
      case "containsAll":
        return hits === values.length;
      case "notContains":
        return hits === 0;
      case "isNotNull":
        return true;
      default:
        return false;
    }
  }
  const text = String(actual);
  switch (method) {
    case "equal":
      return values.some((value) => compareScalars(actual, value) === 0);
    case "notEqual":
      return compareScalars(actual, first) !== 0;
    case "lessThan":
      return compareScalars(actual, first) < 0;
    case "lessThanEqual":
      return compareScalars(actual, first) <= 0;
    case "greaterThan":
      return compareScalars(actual, first) > 0;
    case "greaterThanEqual":
      return compareScalars(actual, first) >= 0;
    case "between":
      return compareScalars(actual, first) >= 0 && compareScalars(actual, values[1]) <= 0;
    case "notBetween":
      return compareScalars(actual, first) < 0 || compareScalars(actual, values[1]) > 0;
    case "startsWith":
      return text.startsWith(String(first));
    case "notStartsWith":
      return !text.startsWith(String(first));
    case "endsWith":
      return text.endsWith(String(first));
    case "notEndsWith":
      return !text.endsWith(String(first));
    case "contains":
    case "containsAny":
      return values.some((value) => text.includes(String(value)));
    case "containsAll":
      return values.every((value) => text.includes(String(value)));
    case "notContains":
      return !values.some((value) => text.includes(String(value)));
    case "regex":
      return new RegExp(String(first)).test(text);
    case "isNull":
      return actual === undefined;
    case "isNotNull":
      return actual !== undefined;
    default:
      // search/notSearch need a fulltext index the collection does not have; exists and the
      // spatial methods are not supported by the SQL adapter. Appwrite does not map the
      // resulting database exception, so the client sees a 500.
      throw serverError();
  }
}

export interface PageResult {
  webhooks: StoredWebhook[];
  total: number;
}

/** Appwrite renames API attributes to columns before querying (only top-level in XList). */
function renameAttributes(queries: readonly Query[]): Query[] {
  return queries.map((query) => {
    const attribute =
      query.attribute === "authUsername"
        ? "httpUser"
        : query.attribute === "tls"
          ? "security"
          : query.attribute;
    return { ...query, attribute };
  });
}

/**
 * `$id` of the cursor, checked against the project by the caller; `cursor` is the stored
 * document (Appwrite resolves it before `find`).
 */
export function runQueries(
  all: Iterable<StoredWebhook>,
  rawQueries: readonly Query[],
  cursor: StoredWebhook | undefined,
  includeTotal: boolean,
): PageResult {
  const queries = renameAttributes(rawQueries);
  const filters = queries.filter((query) => isFilterMethod(query.method));
  const limit = Number(queries.find((query) => query.method === "limit")?.values[0] ?? DEFAULT_LIMIT);
  const offset = Number(queries.find((query) => query.method === "offset")?.values[0] ?? 0);
  const cursorQuery = queries.find(
    (query) => query.method === "cursorAfter" || query.method === "cursorBefore",
  );
  const before = cursorQuery?.method === "cursorBefore";

  const orders: Array<{ attribute: string; desc: boolean; random?: boolean }> = [];
  for (const query of queries) {
    if (query.method === "orderAsc" || query.method === "orderDesc") {
      orders.push({ attribute: query.attribute, desc: query.method === "orderDesc" });
    } else if (query.method === "orderRandom") {
      orders.push({ attribute: "", desc: false, random: true });
    }
  }
  if (!orders.some((order) => order.attribute === "$id" || order.attribute === "$sequence")) {
    // The tie-breaker follows a leading timestamp order's direction, else ascending.
    const leading = orders[0];
    const followsLeading =
      leading && (leading.attribute === "$createdAt" || leading.attribute === "$updatedAt");
    orders.push({ attribute: "$sequence", desc: followsLeading ? leading.desc : false });
  }
  const compare = (a: StoredWebhook, b: StoredWebhook): number => {
    for (const order of orders) {
      if (order.random) continue;
      const result = compareScalars(attributeValue(a, order.attribute), attributeValue(b, order.attribute));
      if (result !== 0) return order.desc ? -result : result;
    }
    return 0;
  };

  const matched = [...all].filter((webhook) => filters.every((query) => matches(webhook, query)));
  const total = includeTotal ? Math.min(matched.length, TOTAL_CAP) : 0;
  matched.sort(compare);
  let window = matched;
  if (cursor) {
    window = matched.filter((webhook) =>
      before ? compare(webhook, cursor) < 0 : compare(webhook, cursor) > 0,
    );
  }
  if (before) {
    // SQL runs cursorBefore in reverse order, applies offset and limit, then flips back.
    const reversed = [...window].reverse().slice(offset, offset + limit);
    return { webhooks: reversed.reverse(), total };
  }
  return { webhooks: window.slice(offset, offset + limit), total };
}

export function cursorNotFound(id: string): AppwriteError {
  return new AppwriteError("general_cursor_not_found", `Webhook '${id}' for the 'cursor' value not found.`);
}
