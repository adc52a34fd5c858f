/** Parameter definitions shared by create and update, in Appwrite's declaration order. */
import type { EventConfigNode } from "../appwrite-config/events-config";
import type { ParamDef } from "../http/param-binding";
import { EventValidator } from "../validators/event-validator";
import {
  ArrayListValidator,
  BooleanValidator,
  MAX_EVENTS,
  TextValidator,
  UidValidator,
} from "../validators/param-validators";
import { webhookUrlValidator } from "../validators/url-validator";

export function webhookIdPathParam(): ParamDef {
  return { name: "webhookId", optional: false, default: "", validator: new UidValidator() };
}

export function urlParam(appEnv: string): ParamDef {
  return { name: "url", optional: false, default: "", validator: webhookUrlValidator(appEnv) };
}

export function nameParam(): ParamDef {
  return { name: "name", optional: false, default: null, validator: new TextValidator(128) };
}

export function eventsParam(tree: EventConfigNode): ParamDef {
  return {
    name: "events",
    optional: false,
    default: null,
    validator: new ArrayListValidator(new EventValidator(tree), MAX_EVENTS),
  };
}

/** enabled (default true), tls (default false), authUsername and authPassword (default ""). */
export function optionalWebhookParams(): ParamDef[] {
  return [
    { name: "enabled", optional: true, default: true, validator: new BooleanValidator() },
    { name: "tls", optional: true, default: false, validator: new BooleanValidator() },
    { name: "authUsername", optional: true, default: "", validator: new TextValidator(256) },
    { name: "authPassword", optional: true, default: "", validator: new TextValidator(256) },
  ];
}
