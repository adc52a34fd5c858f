/**
 * Appwrite 1.9.6's `Event` validator (src/Appwrite/Event/Validator/Event.php), the rule each item
 * of a webhook's `events` must pass, ported from Appwrite's source over the emulator's own copy
 * of events.php (see ../appwrite-config/events-config.ts for why it is a copy).
 *
 * The rule only asks whether keys exist in the events.php tree, so it keeps PHP's readings:
 * - the action of a `type.ID.sub.ID.subsub.ID.action` name is looked up under the sub-resource
 *   (`collections`), not the sub-sub-resource (`documents`), so `…documents.*.upsert` fails;
 * - any key of a node counts as an action, so a child resource name or `$model` passes;
 * - an empty or "0" segment is false in PHP and counts as absent where the source tests it.
 * Where PHP would look an attribute up under a missing action (it raises a TypeError there), the
 * emulator answers "not valid".
 */
import {
  APPWRITE_EVENTS,
  childNode,
  hasKey,
  isResourceNode,
  type EventConfigNode,
} from "../appwrite-config/events-config";
import type { Validator } from "./validator";

/** Event.php: names have 2 to 7 dot-separated segments. */
const MIN_SEGMENTS = 2;
const MAX_SEGMENTS = 7;

/** PHP truthiness of a segment: absent, "" and "0" are false. */
function present(segment: string | undefined): segment is string {
  return segment !== undefined && segment !== "" && segment !== "0";
}

/**
 * True when Appwrite accepts `value` in a webhook's `events`: 1.9.6's tree unless another
 * release's is given (the rule itself is the same on main).
 */
export function isAppwriteEvent(value: unknown, tree: EventConfigNode = APPWRITE_EVENTS): boolean {
  if (typeof value !== "string") return false;
  const segments = value.split(".");
  const count = segments.length;
  if (count < MIN_SEGMENTS || count > MAX_SEGMENTS) return false;

  const [type, id, third, fourth, fifth, sixth, seventh] = segments;
  const typeNode = childNode(tree, type);
  // A child resource follows `type.ID` when both the type and the third segment are resources.
  const subNode = count > 3 && isResourceNode(typeNode) ? childNode(typeNode, third) : undefined;
  const hasSub = isResourceNode(subNode);
  const hasSubSub = count > 5 && hasSub && isResourceNode(childNode(subNode, fifth));
  if (!present(type) || !present(id)) return false;

  let action: string | undefined;
  let attribute: string | undefined;
  if (!hasSub) {
    action = count > 2 ? third : undefined;
    attribute = count === 4 ? fourth : undefined;
  } else if (hasSubSub) {
    action = seventh;
  } else {
    action = count > 4 ? fifth : undefined;
    attribute = count === 6 ? sixth : undefined;
  }

  if (!hasKey(tree, type)) return false;
  // Actions of a child resource's names are looked up under the child (sub-sub names included).
  const actionOwner = hasSub ? subNode : typeNode;
  if (present(action) && !hasKey(actionOwner, action)) return false;
  if (hasSub && !present(fourth)) return false;
  if (present(attribute)) {
    const actionNode = present(action) ? childNode(actionOwner, action) : undefined;
    if (!hasKey(actionNode, attribute)) return false;
  }
  return true;
}

/** The `Event` validator as a parameter validator, with Appwrite's description. */
export class EventValidator implements Validator {
  readonly description = "Event is not valid.";

  constructor(private readonly tree: EventConfigNode = APPWRITE_EVENTS) {}

  isValid(value: unknown): boolean {
    return isAppwriteEvent(value, this.tree);
  }
}
