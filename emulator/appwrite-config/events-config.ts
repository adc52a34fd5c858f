/**
 * Appwrite 1.9.6's `app/config/events.php`, the tree behind its Event validator and
 * `Event::generateEvents`, kept in its PHP shape: each node maps `$model`, `$resource` and
 * `$description` and the names of its actions, attributes and child resources.
 *
 * Why the emulator keeps its own copy instead of importing the provider's catalog: the emulator
 * is an independent implementation of Appwrite. When the provider's event rule is tested against
 * the emulator, the test compares two separate readings of Appwrite's source; if both read one
 * file, a mistake in it would pass on both sides. The copy is extracted from events.php by
 * test/emulator/php/events-config-to-json.php, and test/emulator/event-catalogs.test.ts fails
 * when it and the provider's catalog disagree, so an update cannot land in one of them only.
 */
import config from "./events-1.9.6.json";

/** One node of events.php, as PHP sees the array. */
export interface EventConfigNode {
  readonly [key: string]: EventConfigNode | string | boolean;
}

/** The top level of events.php: event type (`users`, `databases`, …) to its node. */
export const APPWRITE_EVENTS: EventConfigNode = config.events;

/**
 * `$parent[$key]` when it is an array. Own keys only, so a segment such as `constructor` or
 * `__proto__` never finds a JavaScript built-in.
 */
export function childNode(
  parent: EventConfigNode | undefined,
  key: string | undefined,
): EventConfigNode | undefined {
  if (parent === undefined || key === undefined || !Object.hasOwn(parent, key)) return undefined;
  const value = parent[key];
  return typeof value === "object" ? value : undefined;
}

/** PHP `array_key_exists($key, $parent)`: metadata keys (`$model`) count, as in PHP. */
export function hasKey(parent: EventConfigNode | undefined, key: string): boolean {
  return parent !== undefined && Object.hasOwn(parent, key);
}

/** `$node['$resource'] ?? false`: the node is followed by an ID segment in an event name. */
export function isResourceNode(node: EventConfigNode | undefined): boolean {
  return node?.["$resource"] === true;
}
