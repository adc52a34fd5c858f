/**
 * Appwrite's `Event::generateEvents` (src/Appwrite/Event/Event.php at 1.9.x), ported
 * statement by statement because webhooks match by exact string equality against its
 * output: every prefix level with and without action and attribute, each ID replaced by `*`
 * in the combinations the PHP loops produce, and the collections↔tables twins of
 * `mirrorCollectionEvents`. Counts are pinned by tests (users.u1.create → 4, … → 42).
 */
import {
  APPWRITE_EVENTS,
  childNode,
  isResourceNode,
  type EventConfigNode,
} from "../appwrite-config/events-config";
import { phpTruthy } from "../php/php-builtins";

interface ParsedPattern {
  type: string | false;
  resource: string | false;
  subType: string | false;
  subResource: string | false;
  subSubType: string | false;
  subSubResource: string | false;
  action: string | false;
  attribute: string | false;
}

/** `Event::parseEventPattern`: ID positions are recognised by their `[placeholder]` form. */
function parseEventPattern(pattern: string): ParsedPattern {
  const parts = pattern.split(".");
  const count = parts.length;
  const at = (index: number): string | false => parts[index] ?? false;
  const hasSub = count > 3 && (parts[3] as string).startsWith("[");
  const hasSubSub = count > 5 && (parts[5] as string).startsWith("[") && hasSub;
  let attribute: string | false = false;
  if (hasSubSub && count === 8) attribute = at(7);
  if (hasSub && !hasSubSub && count === 6) attribute = at(5);
  if (!hasSub && count === 4) attribute = at(3);
  let action: string | false = false;
  if (!hasSub && count > 2) action = at(2);
  else if (hasSubSub) action = at(6);
  else if (hasSub && count > 4) action = at(4);
  return {
    type: at(0),
    resource: at(1),
    subType: hasSub ? at(2) : false,
    subResource: hasSub ? at(3) : false,
    subSubType: hasSubSub ? at(4) : false,
    subSubResource: hasSubSub ? at(5) : false,
    action,
    attribute,
  };
}

/** PHP str_replace with an array of searches and one replacement or a parallel array. */
function strReplace(search: readonly string[], replace: string | readonly string[], subject: string): string {
  let result = subject;
  search.forEach((needle, index) => {
    if (needle === "") return;
    const replacement = typeof replace === "string" ? replace : (replace[index] ?? "");
    result = result.split(needle).join(replacement);
  });
  return result;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function replaceSegments(event: string, map: Readonly<Record<string, string>>): string {
  return event
    .split(".")
    .map((part) => (Object.hasOwn(map, part) ? (map[part] as string) : part))
    .join(".");
}

const COLLECTIONS_TO_TABLES = { documents: "rows", collections: "tables", attributes: "columns" };
const TABLES_TO_COLLECTIONS = { rows: "documents", tables: "collections", columns: "attributes" };
const TABLESDB_TO_DATABASES = {
  tablesdb: "databases",
  tables: "collections",
  rows: "documents",
  columns: "attributes",
};

/** `Event::mirrorCollectionEvents`: add the other spelling of database events. */
function mirrorCollectionEvents(pattern: string, firstEvent: string, events: string[]): string[] {
  const databaseEvent =
    (pattern.includes("databases.") &&
      (firstEvent.includes("collections") || firstEvent.includes("tables"))) ||
    firstEvent.includes("tablesdb.");
  if (!databaseEvent) return unique(events);
  const paired: string[] = [];
  for (const event of events) {
    paired.push(event);
    // The substring tests are the PHP ones (str_contains); replacement is per segment.
    if (event.includes("tablesdb")) {
      const databasesSide = replaceSegments(event, TABLESDB_TO_DATABASES);
      paired.push(databasesSide, replaceSegments(databasesSide, COLLECTIONS_TO_TABLES));
    } else if (event.includes("collections")) {
      paired.push(replaceSegments(event, COLLECTIONS_TO_TABLES));
    } else if (event.includes("tables")) {
      paired.push(replaceSegments(event, TABLES_TO_COLLECTIONS));
    }
  }
  return unique(paired);
}

/**
 * `Event::generateEvents(pattern, params)` for a legacy (or unspecified) database. Throws
 * when a placeholder of the pattern has no value, as Appwrite does.
 */
export function generateEvents(pattern: string, params: Readonly<Record<string, string>>): string[] {
  const keys = Object.keys(params);
  const values = Object.values(params);
  const p = parseEventPattern(pattern);
  const trim = (value: string): string => value.replace(/^[[\]\\]+|[[\]\\]+$/g, "");
  for (const placeholder of [p.resource, p.subResource, p.subSubResource]) {
    if (phpTruthy(placeholder) && !keys.includes(trim(placeholder))) {
      throw new Error(`${placeholder} is missing from the params.`);
    }
  }
  const join = (...parts: Array<string | false>): string =>
    parts.map((part) => (part === false ? "" : part)).join(".");
  const { type, resource, subType, subResource, subSubType, subSubResource, action, attribute } = p;

  const patterns: string[] = [];
  if (phpTruthy(action)) {
    if (phpTruthy(subSubResource)) {
      if (phpTruthy(attribute)) {
        patterns.push(
          join(type, resource, subType, subResource, subSubType, subSubResource, action, attribute),
        );
      }
      patterns.push(join(type, resource, subType, subResource, subSubType, subSubResource, action));
      patterns.push(join(type, resource, subType, subResource, subSubType, subSubResource));
    } else if (phpTruthy(subResource)) {
      if (phpTruthy(attribute)) patterns.push(join(type, resource, subType, subResource, action, attribute));
      patterns.push(join(type, resource, subType, subResource, action));
      patterns.push(join(type, resource, subType, subResource));
    } else {
      patterns.push(join(type, resource, action));
    }
    if (phpTruthy(attribute)) patterns.push(join(type, resource, action, attribute));
  }
  if (phpTruthy(subSubResource))
    patterns.push(join(type, resource, subType, subResource, subSubType, subSubResource));
  if (phpTruthy(subResource)) patterns.push(join(type, resource, subType, subResource));
  patterns.push(join(type, resource));

  const events: string[] = [];
  for (const eventPattern of unique(patterns)) {
    events.push(strReplace(keys, values, eventPattern));
    events.push(strReplace(keys, "*", eventPattern));
    for (const key of keys) {
      for (const current of keys) {
        if (phpTruthy(subSubResource)) {
          for (const subCurrent of keys) {
            if (subCurrent === current || subCurrent === key) continue;
            const starSub = strReplace([subCurrent], "*", eventPattern);
            events.push(strReplace(keys, values, starSub));
            events.push(strReplace(keys, values, strReplace([current], "*", starSub)));
            events.push(strReplace(keys, values, strReplace([current], "*", eventPattern)));
          }
        } else {
          if (current === key) continue;
          events.push(strReplace(keys, values, strReplace([current], "*", eventPattern)));
        }
      }
    }
  }
  const cleaned = unique(events.map((event) => event.replace(/[[\]]/g, "")));
  return mirrorCollectionEvents(pattern, cleaned[0] ?? "", cleaned);
}

/**
 * Turns a concrete event (`buckets.b1.files.f1.create`) into the pattern and parameters
 * Appwrite's route would have used (`buckets.[p0].files.[p1].create`), using the event tree
 * to tell ID segments from sub-resource names (the tree of the release the emulator speaks).
 */
export function patternFromEvent(
  event: string,
  tree: EventConfigNode = APPWRITE_EVENTS,
): { pattern: string; params: Record<string, string> } {
  const parts = event.split(".");
  const idPositions = [1];
  const typeNode = childNode(tree, parts[0]);
  const subNode = parts.length > 3 ? childNode(typeNode, parts[2]) : undefined;
  if (isResourceNode(subNode)) {
    idPositions.push(3);
    if (parts.length > 5 && isResourceNode(childNode(subNode, parts[4]))) idPositions.push(5);
  }
  const params: Record<string, string> = {};
  const pattern = parts
    .map((part, index) => {
      if (!idPositions.includes(index)) return part;
      const key = `p${Object.keys(params).length}Id`;
      params[key] = part;
      return `[${key}]`;
    })
    .join(".");
  return { pattern, params };
}

/** The events a trigger fans out to: a pattern with `params`, or a concrete event. */
export function eventsForTrigger(
  event: string,
  params?: Readonly<Record<string, string>>,
  tree: EventConfigNode = APPWRITE_EVENTS,
): string[] {
  if (params && event.includes("[")) return generateEvents(event, params);
  const derived = patternFromEvent(event, tree);
  return generateEvents(derived.pattern, derived.params);
}
