/**
 * `appwrite-webhooks:index:WebhookSet` in the package schema (./package-schema), derived as the
 * webhook's is: the set's own inputs from its zod schema, an entry's fields from the entry schema
 * (a `Webhook`'s own), and each output map's values from the webhook output they hold per entry.
 * Nothing here restates a type.
 */
import { entryArgsSchema, setArgsSchema } from "../lifecycle/webhook-set/schema";
import type { ENTRY_MAPS } from "../lifecycle/webhook-set/types";
import { SET_SECRET_PROPERTIES, type UnmanagedWebhook } from "../lifecycle/webhook-set/types";
import { IDENTITY_FIELDS } from "../lifecycle/state";
import { properties, type PropertySpec } from "./schema-properties";
import { SET_ENTRY_TOKEN, UNMANAGED_WEBHOOK_TOKEN, WEBHOOK_SET_TOKEN } from "./type-tokens";

/** Which output of an entry's webhook each map of the set holds, by the entry's key. */
const MAP_SOURCES: Record<(typeof ENTRY_MAPS)[number], string> = {
  webhookIds: "webhookId",
  secrets: "secret",
  previousSecrets: "previousSecret",
  authPasswords: "authPassword",
  secretRotatedAt: "secretRotatedAt",
  enabled: "enabled",
  attempts: "attempts",
  logs: "logs",
};

/** Which output of the webhook each field of an unmanaged webhook is. */
const UNMANAGED_SOURCES: Record<keyof UnmanagedWebhook, string> = {
  id: "webhookId",
  name: "name",
  url: "url",
  events: "events",
};

const ref = (token: string): PropertySpec => ({ $ref: `#/types/${token}` });

/** A webhook output's type alone: a map's value or a field carries no secret flag of its own. */
function typeOf(webhookOutputs: Record<string, PropertySpec>, field: string): PropertySpec {
  const spec = webhookOutputs[field];
  if (!spec) throw new Error(`package schema: the webhook has no output ${field}`);
  const { secret: _secret, description: _description, ...type } = spec;
  return type;
}

const setSecrets = new Set<string>(SET_SECRET_PROPERTIES);

/** The object types a set names: an entry of `webhooks`, an item of `unmanagedWebhooks`. */
export function setTypes(webhookOutputs: Record<string, PropertySpec>): Record<string, unknown> {
  const entry = properties(entryArgsSchema, "input");
  return {
    [SET_ENTRY_TOKEN]: {
      description:
        "One webhook of a WebhookSet: a Webhook's own inputs. The connection and eventValidation are the set's.",
      type: "object",
      properties: entry.specs,
      required: entry.required,
    },
    [UNMANAGED_WEBHOOK_TOKEN]: {
      description:
        "A webhook of the set's project that no entry declares: what identifies it, never its keys.",
      type: "object",
      properties: Object.fromEntries(
        Object.entries(UNMANAGED_SOURCES).map(([field, source]) => [field, typeOf(webhookOutputs, source)]),
      ),
      required: Object.keys(UNMANAGED_SOURCES),
    },
  };
}

/** The `WebhookSet` resource, keyed by its token. */
export function setResourceSchema(webhookOutputs: Record<string, PropertySpec>): Record<string, unknown> {
  const own = setArgsSchema.omit({ webhooks: true });
  const inputs = properties(own, "input");
  const declared = properties(own, "output");
  const webhooks: PropertySpec = {
    type: "object",
    additionalProperties: ref(SET_ENTRY_TOKEN),
    description:
      "The webhooks, by a key of your choosing; an entry's ID is derived from the set's URN and its key.",
  };
  const maps = Object.fromEntries(
    Object.entries(MAP_SOURCES).map(([map, source]) => [
      map,
      {
        type: "object",
        additionalProperties: typeOf(webhookOutputs, source),
        ...(setSecrets.has(map) ? { secret: true } : {}),
      },
    ]),
  );
  const unmanagedWebhooks: PropertySpec = {
    type: "array",
    items: ref(UNMANAGED_WEBHOOK_TOKEN),
    description: "Webhooks of the project that no entry declares, as the last refresh or up found them.",
  };
  return {
    [WEBHOOK_SET_TOKEN]: {
      description:
        "All of a project's webhooks as one resource: one engine step for every entry, and the project's webhooks that no entry declares.",
      inputProperties: { webhooks, ...inputs.specs },
      requiredInputs: ["webhooks", ...inputs.required],
      properties: { webhooks, ...declared.specs, ...maps, unmanagedWebhooks },
      // As for the webhook: the project is optional as an input, but check always resolves it.
      required: [
        "webhooks",
        ...new Set([...declared.required, ...IDENTITY_FIELDS.filter((field) => field in declared.specs)]),
        ...Object.keys(maps),
        "unmanagedWebhooks",
      ],
    },
  };
}
