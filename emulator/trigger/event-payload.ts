/**
 * The payload Appwrite 1.9.6 would queue for an event: the response model events.php names as the
 * event's `$model`, filled the way `Response::output` fills it (every rule, in rule order) from
 * the rules' own examples, with the event's IDs and the current time where the model holds them.
 *
 * Why examples rather than invented values: they are Appwrite's own (the ones its API reference
 * shows), read from its source with the rules (../appwrite-config/response-models-1.9.6.json), so
 * a receiver sees the field names, types and shapes a real delivery carries, and nothing here
 * decides what a user or a file looks like.
 */
import { childNode, isResourceNode, type EventConfigNode } from "../appwrite-config/events-config";
import models from "../appwrite-config/response-models-1.9.6.json";
import { appwriteTimestamp, uniqueId } from "../state/ids";
import { isAppwriteEvent } from "../validators/event-validator";
import { releaseRules, type ReleaseRules } from "../appwrite-config/releases";

interface ModelRule {
  field: string;
  /** A primitive type (`string`, `datetime`…), a model name, or a list of model names. */
  type: string | string[];
  array: boolean;
  required: boolean;
  example: unknown;
}

interface ResponseModel {
  /** The PHP class, src/Appwrite/Utopia/Response/Model/<class>.php. */
  class: string;
  /** `Any` models (documents, rows) output the document as it is, the rules being its system fields. */
  any: boolean;
  rules: ModelRule[];
}

const MODELS = models.models as Record<string, ResponseModel>;

/** One resource level of an event name: `users.<id>`, `sessions.<id>`. */
export interface EventResource {
  name: string;
  id: string;
}

/** An event name read against events.php: its resources with their IDs, action and model. */
export interface TriggeredEvent {
  /** The event as it is delivered, each `*` ID replaced by a generated one. */
  event: string;
  resources: EventResource[];
  action: string;
  attribute: string | undefined;
  /** The payload's response model: the resource's, or the route's answer where that differs. */
  model: string;
  /** The response model of the deepest resource (`$model` in events.php). */
  resourceModel: string;
}

/**
 * The one place where the route's answer, which Appwrite queues as the payload, is not the
 * resource's `$model`: `users.[userId].update.prefs` (app/controllers/api/users.php at 1.9.6) and
 * `teams.[teamId].update.prefs` (src/Appwrite/Platform/Modules/Teams/Http/Preferences/Update.php)
 * answer with the preferences alone.
 */
const PREFS_MODEL = "preferences";

/** An event name that Appwrite would not fire as it is, with the reason and an example of one it would. */
export class EventNameError extends Error {}

/**
 * Reads `users.*.sessions.*.create` as events.php does: a resource name then its ID, as deep as
 * the tree has resources, then an action and maybe an attribute. Each `*` ID gets an ID of
 * Appwrite's shape (`ID::unique()`), because a delivery always names the resource it is about.
 */
export function readTriggeredEvent(name: string, rules: ReleaseRules = releaseRules()): TriggeredEvent {
  if (!isAppwriteEvent(name, rules.events)) {
    throw new EventNameError(
      `"${name}" is not an Appwrite ${rules.release} event (its Event validator refuses it); for example users.*.create or databases.*.collections.*.documents.*.update`,
    );
  }
  const segments = name.split(".");
  const resources: EventResource[] = [];
  let owner: EventConfigNode | undefined;
  let node: EventConfigNode | undefined = rules.events;
  let at = 0;
  // A resource level needs its name and an ID after it, and a segment after that (the action).
  while (at + 2 < segments.length && isResourceNode(childNode(node, segments[at]))) {
    owner = childNode(node, segments[at]);
    const id = segments[at + 1] as string;
    resources.push({ name: segments[at] as string, id: id === "*" ? uniqueId() : id });
    node = owner;
    at += 2;
  }
  const action = segments[at];
  const attribute = segments[at + 1];
  const resourceModel = owner?.["$model"];
  if (
    owner === undefined ||
    action === undefined ||
    typeof resourceModel !== "string" ||
    at + 2 < segments.length ||
    // The validator takes any key of a node as an action (`users.*.sessions.*`, `users.*.$model`);
    // Appwrite fires only real ones.
    action.startsWith("$") ||
    isResourceNode(childNode(node, action))
  ) {
    throw new EventNameError(
      `"${name}" names no action: Appwrite fires events for an action on a resource, for example ${segments.slice(0, 2).join(".")}.create`,
    );
  }
  const model = attribute === "prefs" ? PREFS_MODEL : resourceModel;
  if (!MODELS[model] || !MODELS[resourceModel])
    throw new EventNameError(`"${name}": no response model "${model}" is known`);
  const parts = resources.flatMap((resource) => [resource.name, resource.id]);
  return {
    event: [...parts, action, ...(attribute === undefined ? [] : [attribute])].join("."),
    resources,
    action,
    attribute,
    model,
    resourceModel,
  };
}

/**
 * Fields that hold the ID of a resource the event names, by that resource's name in events.php
 * (a session's `userId` is the user of `users.<id>.sessions.<id>`).
 */
const PARENT_ID_FIELDS: Readonly<Record<string, readonly string[]>> = {
  $databaseId: ["databases"],
  databaseId: ["databases"],
  $collectionId: ["collections"],
  $tableId: ["tables"],
  bucketId: ["buckets"],
  teamId: ["teams"],
  userId: ["users"],
  functionId: ["functions"],
  topicId: ["topics"],
  reportId: ["reports"],
  resourceId: ["functions", "sites"],
};

function isSingleModel(rule: ModelRule): rule is ModelRule & { type: string } {
  return !rule.array && typeof rule.type === "string" && MODELS[rule.type] !== undefined;
}

/** `Response::output` over a document made of the rules' examples, IDs and times filled in. */
function outputOf(
  model: ResponseModel,
  own: EventResource | undefined,
  parents: EventResource[],
  now: string,
) {
  const output: Record<string, unknown> = {};
  // A deployment's `resourceType` is the kind of resource it belongs to (`functions`, `sites`).
  const deployed = parents.find((resource) => PARENT_ID_FIELDS.resourceId?.includes(resource.name));
  // Attributes and columns have no `$id`: their `key` is what the event's ID names.
  const identity = model.rules.some((rule) => rule.field === "$id") ? "$id" : "key";
  for (const rule of model.rules) {
    const parent = parents.find((resource) => PARENT_ID_FIELDS[rule.field]?.includes(resource.name));
    if (rule.field === identity && own) output[rule.field] = own.id;
    else if (parent) output[rule.field] = parent.id;
    else if (rule.field === "resourceType" && deployed) output[rule.field] = deployed.name;
    else if (rule.type === "datetime" && !rule.array && rule.example !== "") output[rule.field] = now;
    else if (isSingleModel(rule) && !MODELS[rule.type]?.any) {
      output[rule.field] = outputOf(MODELS[rule.type] as ResponseModel, undefined, [], now);
    } else output[rule.field] = structuredClone(rule.example);
  }
  return output;
}

/**
 * The payload of `event` as Appwrite 1.9.6 queues it. `extra` adds fields to it (a document's
 * own attributes, which no model lists), or replaces ones it has.
 */
export function eventPayload(
  event: TriggeredEvent,
  extra: Readonly<Record<string, unknown>> = {},
  now: string = appwriteTimestamp(),
): Record<string, unknown> {
  if (event.model === PREFS_MODEL) {
    // Preferences are free-form (an `Any` model without rules): the example the resource's own
    // `prefs` rule gives is the realistic one.
    const rule = MODELS[event.resourceModel]?.rules.find((r) => r.type === PREFS_MODEL);
    return { ...(structuredClone(rule?.example) as Record<string, unknown>), ...extra };
  }
  const model = MODELS[event.model] as ResponseModel;
  const own = event.resources.at(-1);
  return { ...outputOf(model, own, event.resources.slice(0, -1), now), ...extra };
}

/** The response model's class and field names, for a report of what was sent. */
export function modelOf(event: TriggeredEvent): { name: string; class: string; fields: string[] } {
  const model = MODELS[event.model] as ResponseModel;
  return { name: event.model, class: model.class, fields: model.rules.map((rule) => rule.field) };
}
