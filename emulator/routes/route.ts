/**
 * What every endpoint file provides, mirroring Appwrite's one-class-per-endpoint layout
 * (src/Appwrite/Platform/Modules/Webhooks/Http/Webhooks/*.php): method, path and legacy alias,
 * required scope, parameters in declaration order, and the action.
 */
import { randomBytes } from "node:crypto";
import { serverError } from "../http/appwrite-errors";
import { jsonResponse, type ApiResponse } from "../http/http-io";
import { applyResponseFormat, webhookModel } from "../http/response-models";
import type { EventConfigNode } from "../appwrite-config/events-config";
import type { Arguments, ParamDef } from "../http/param-binding";
import { byteLength, mbStrlen, phpJsonEncode } from "../php/php-builtins";
import type { Store, StoredProject, WebhookFields } from "../state/store";
import type { StoredWebhook } from "../types";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RouteContext {
  readonly store: Store;
  readonly project: StoredProject;
  /** X-Appwrite-Response-Format, when sent. */
  readonly format: string | undefined;
}

export interface ParamOptions {
  /** `_APP_ENV`, which decides whether the request-catcher hosts pass the URL rule. */
  readonly appEnv: string;
  /** The events.php tree of the Appwrite release the emulator speaks. */
  readonly events: EventConfigNode;
}

export interface RouteDefinition {
  readonly method: HttpMethod;
  readonly path: string;
  /** The pre-1.9 path under /v1/projects/:projectId, still routed. */
  readonly alias: string;
  /** Key under which requests are counted (legacy aliases count with their endpoint). */
  readonly counterKey: string;
  readonly scope: "webhooks.read" | "webhooks.write";
  /** Request filters apply to create and update only. */
  readonly requestModel?: "webhooks.create" | "webhooks.update";
  params(options: ParamOptions): ParamDef[];
  action(context: RouteContext, args: Arguments): ApiResponse;
}

/** A model response: JSON with JSON_UNESCAPED_UNICODE, as Appwrite's Response::json writes it. */
export function modelResponse(status: number, body: object): ApiResponse {
  return jsonResponse(status, phpJsonEncode(body, { unescapedUnicode: true }));
}

export function webhookResponse(
  status: number,
  webhook: StoredWebhook,
  includeSecret: boolean,
  format: string | undefined,
): ApiResponse {
  return modelResponse(status, applyResponseFormat(webhookModel(webhook, includeSecret), format));
}

/** Size of the platform DB's string columns (url, httpUser, httpPass, events[]). */
const COLUMN_SIZE = 255;

/**
 * Length of the `encrypt` filter's JSON for a password: AES-128-GCM keeps the plaintext length,
 * the ciphertext is base64 and json_encode escapes each "/" in it, so the stored length depends
 * on random bytes just as it does in Appwrite (about 97-99 plaintext bytes is the edge).
 */
function encryptedLength(password: string): number {
  const data = randomBytes(byteLength(password)).toString("base64");
  const slashes = data.split("/").length - 1;
  // {"data":"…","method":"aes-128-gcm","iv":"<24 hex>","tag":"<32 hex>","version":"1"}
  return 121 + data.length + slashes;
}

/**
 * The DB structure check that runs after the API validators: values the validators allow
 * but the columns cannot hold make utopia-php/database throw a Structure exception, which
 * Appwrite does not map, so the client gets 500 general_unknown.
 */
export function assertFitsColumns(fields: Partial<WebhookFields>, eventsWereList: boolean): void {
  const tooLong = (value: string | undefined): boolean =>
    value !== undefined && mbStrlen(value) > COLUMN_SIZE;
  if (
    !eventsWereList ||
    tooLong(fields.url) ||
    tooLong(fields.name) ||
    tooLong(fields.authUsername) ||
    (fields.events ?? []).some((event) => tooLong(event)) ||
    (fields.authPassword !== undefined && encryptedLength(fields.authPassword) > COLUMN_SIZE)
  ) {
    throw serverError();
  }
}

/** `array $events` after ArrayList validation: a list, or an associative array's values. */
export function eventsArg(args: Arguments): { events: string[]; wasList: boolean } {
  const value = args["events"];
  if (Array.isArray(value)) return { events: value as string[], wasList: true };
  if (value !== null && typeof value === "object")
    return { events: Object.values(value) as string[], wasList: false };
  throw new TypeError("events must be of type array");
}
