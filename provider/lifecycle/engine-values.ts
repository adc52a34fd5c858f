/**
 * The two values the engine puts into the lifecycle's plain data: the marker of an input that is
 * not known yet (during a preview), and the key under which the dynamic door's serialized
 * provider rides along in state. A leaf module, so that check, preview and every step can name
 * them without loading one another.
 */

/** The value Pulumi passes for an input that is not known yet during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const isUnknown = (value: unknown): boolean => value === UNKNOWN;

/** The serialized provider's own key; carried through so partial failures keep it in state. */
export const PROVIDER_KEY = "__provider";
