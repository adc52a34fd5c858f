/**
 * Appwrite's webhook event catalog and its validator, pinned to Appwrite 1.9.6.
 *
 * The validator reproduces `src/Appwrite/Event/Validator/Event.php` including its quirks,
 * because `pulumi preview` should reject exactly what the server rejects and accept exactly
 * what it accepts: a stricter client blocks users, a looser one lets a 400 reach `pulumi up`.
 * The quirks (all pinned by tests) are:
 * - in the sub-sub form (`databases.*.collections.*.documents.*.create`) the action is looked
 *   up at the sub-resource level, so `…documents.*.upsert` is rejected although it is emitted;
 * - keys of a node that are not actions (sub-resource names, `$model`) pass as actions;
 * - an empty or "0" segment is "falsy" in PHP and is skipped where the source tests truthiness.
 *
 * The catalog is data (`data/appwrite-events-1.9.6.json`, read from `app/config/events.php`).
 */
import catalog from "./appwrite-events-1.9.6.json";

/** Which server's event names to accept. "off" skips client-side validation entirely. */
export type EventCatalogVersion = "1.9.6" | "main";
export type EventValidationMode = EventCatalogVersion | "off";

export const DEFAULT_EVENT_CATALOG: EventCatalogVersion = "1.9.6";

interface CatalogAction {
  description: string;
  attributes?: Record<string, { description: string }>;
}
interface CatalogNode {
  resource?: boolean;
  model?: string;
  description: string;
  actions?: Record<string, CatalogAction>;
  subResources?: Record<string, CatalogNode>;
}

/**
 * PHP-shaped view of one `events.php` node: every array key of the node (actions,
 * sub-resources and the `$`-prefixed metadata keys), mapped to the child's own keys.
 * The validator only ever asks "is this key present" and "is `$resource` set".
 */
interface PhpNode {
  readonly keys: ReadonlyMap<string, PhpNode>;
  readonly isResource: boolean;
}

const LEAF: PhpNode = {
  keys: new Map([["$description", { keys: new Map(), isResource: false }]]),
  isResource: false,
};

function toPhpNode(node: CatalogNode): PhpNode {
  const keys = new Map<string, PhpNode>();
  if (node.model !== undefined) keys.set("$model", LEAF);
  if (node.resource) keys.set("$resource", LEAF);
  keys.set("$description", LEAF);
  for (const [name, action] of Object.entries(node.actions ?? {})) {
    const actionKeys = new Map<string, PhpNode>([["$description", LEAF]]);
    for (const attribute of Object.keys(action.attributes ?? {})) actionKeys.set(attribute, LEAF);
    keys.set(name, { keys: actionKeys, isResource: false });
  }
  for (const [name, child] of Object.entries(node.subResources ?? {})) keys.set(name, toPhpNode(child));
  return { keys, isResource: node.resource === true };
}

function mergeCatalog(
  base: Record<string, CatalogNode>,
  additions: MainAdditions,
): Record<string, CatalogNode> {
  const added: Record<string, CatalogNode> = { ...structuredClone(base), ...additions.types };
  // Types keep events.php's order on main, where the new ones sit after `databases`.
  const merged: Record<string, CatalogNode> = Object.fromEntries(
    additions.typeOrder.map((type) => [type, added[type] as CatalogNode]),
  );
  for (const [type, actions] of Object.entries(additions.actionAttributes)) {
    const target = merged[type];
    if (!target?.actions) continue;
    for (const [action, attributes] of Object.entries(actions)) {
      const targetAction = target.actions[action];
      if (targetAction) targetAction.attributes = { ...targetAction.attributes, ...attributes };
    }
  }
  return merged;
}

interface MainAdditions {
  typeOrder: string[];
  types: Record<string, CatalogNode>;
  actionAttributes: Record<string, Record<string, Record<string, { description: string }>>>;
}

const trees = new Map<EventCatalogVersion, ReadonlyMap<string, PhpNode>>();

function treeFor(version: EventCatalogVersion): ReadonlyMap<string, PhpNode> {
  let tree = trees.get(version);
  if (!tree) {
    const types = catalog.types as Record<string, CatalogNode>;
    const source =
      version === "main" ? mergeCatalog(types, catalog.mainHeadAdditions as unknown as MainAdditions) : types;
    tree = new Map(Object.entries(source).map(([name, node]) => [name, toPhpNode(node)]));
    trees.set(version, tree);
  }
  return tree;
}

/** PHP truthiness of a string segment: "" and "0" are false. */
function truthy(segment: string | undefined): segment is string {
  return segment !== undefined && segment !== "" && segment !== "0";
}

function child(node: PhpNode | undefined, key: string | undefined): PhpNode | undefined {
  return key === undefined ? undefined : node?.keys.get(key);
}

/** Appwrite's event grammar allows 2 to 7 dot-separated segments. */
export const MIN_EVENT_SEGMENTS = 2;
export const MAX_EVENT_SEGMENTS = 7;

/** An event name as Appwrite's validator reads it: its type, and the action it names, if any. */
export interface ParsedEvent {
  type: string;
  /**
   * The action (`create`, `update`, …); undefined when the name stops at a resource
   * (`users.*`, `buckets.*.files.*`), which subscribes to every action on it.
   */
  action?: string;
}

/**
 * True when Appwrite (at the given catalog version) accepts `value` as a webhook event.
 * Mirrors Event.php step by step; see the module comment for the quirks kept on purpose.
 */
export function isValidEvent(value: unknown, version: EventCatalogVersion = DEFAULT_EVENT_CATALOG): boolean {
  return parseEvent(value, version) !== undefined;
}

/** What `isValidEvent` reads from `value`, or undefined when Appwrite refuses it. */
export function parseEvent(
  value: unknown,
  version: EventCatalogVersion = DEFAULT_EVENT_CATALOG,
): ParsedEvent | undefined {
  if (typeof value !== "string") return undefined;
  const tree = treeFor(version);
  const parts = value.split(".");
  const count = parts.length;
  if (count < MIN_EVENT_SEGMENTS || count > MAX_EVENT_SEGMENTS) return undefined;

  const [type, resource, seg2, seg3, seg4, seg5, seg6] = parts;
  const typeNode = type === undefined ? undefined : tree.get(type);
  const hasSub = count > 3 && typeNode?.isResource === true && child(typeNode, seg2)?.isResource === true;
  const hasSubSub = count > 5 && hasSub && child(child(typeNode, seg2), seg4)?.isResource === true;
  if (!truthy(type) || !truthy(resource)) return undefined;

  const subType = hasSub ? seg2 : undefined;
  const subResource = hasSub ? seg3 : undefined;
  let attribute: string | undefined;
  if (hasSub && !hasSubSub && count === 6) attribute = seg5;
  if (!hasSub && count === 4) attribute = seg3;

  let action: string | undefined;
  if (!hasSub && count > 2) action = seg2;
  else if (hasSubSub) action = seg6;
  else if (hasSub && count > 4) action = seg4;

  if (!typeNode) return undefined;
  const actionParent = truthy(subType) ? child(typeNode, subType) : typeNode;
  if (truthy(subType)) {
    if (truthy(action) && !actionParent?.keys.has(action)) return undefined;
    if (!truthy(subResource)) return undefined;
  } else if (truthy(action) && !typeNode.keys.has(action)) {
    return undefined;
  }
  if (truthy(attribute)) {
    // PHP would index the action node here; a falsy or missing action has no attributes.
    const actionNode = truthy(action) ? child(actionParent, action) : undefined;
    if (!actionNode?.keys.has(attribute)) return undefined;
  }
  // The validator lets a sub-resource's name or a `$` key stand as an action; neither names one.
  const namesAction =
    truthy(action) && !action.startsWith("$") && child(actionParent, action)?.isResource !== true;
  return { type, ...(namesAction ? { action } : {}) };
}

/** The event types (first segment) of a catalog version, in events.php order. */
export function eventTypes(version: EventCatalogVersion = DEFAULT_EVENT_CATALOG): string[] {
  return [...treeFor(version).keys()];
}

/**
 * Every subscribable pattern of 1.9.6 with `*` in each ID position. Used for editor
 * completion of `events` and for suggestions in error messages.
 */
export const KNOWN_EVENT_PATTERNS: readonly string[] = catalog.patterns.accepted;

/** An Appwrite event name such as `users.*.create`; checked at `pulumi preview` time. */
export type AppwriteEventName = string;

/** A short hint for a rejected event: the nearest known pattern by shared prefix. */
export function suggestEvent(value: string): string | undefined {
  const normalized = value.replace(/\.[^.]*$/, "");
  let best: string | undefined;
  let bestScore = 0;
  for (const pattern of KNOWN_EVENT_PATTERNS) {
    let score = 0;
    while (score < pattern.length && score < value.length && pattern[score] === value[score]) score++;
    if (score > bestScore || (score === bestScore && best !== undefined && pattern.length < best.length)) {
      best = pattern;
      bestScore = score;
    }
  }
  return bestScore >= Math.min(normalized.length, 3) && best !== value ? best : undefined;
}
