/**
 * Appwrite's error model as the webhooks API shows it: the types this API can raise, their
 * HTTP status and default message (from `app/config/errors.php` at 1.9.6), and the exact body
 * shape `{"message","code","type","version"}` in that key order.
 */
import { phpJsonEncode } from "../php/php-builtins";

/** `APP_VERSION_STABLE` of the emulated release; it is echoed in every error body. */
export const APPWRITE_VERSION = "1.9.6";

interface ErrorDefinition {
  readonly code: number;
  readonly message: string;
}

export const ERROR_TYPES = {
  general_unknown: {
    code: 500,
    message: "An unknown error has occurred. Please check the logs for more information.",
  },
  general_server_error: { code: 500, message: "An internal server error occurred." },
  general_argument_invalid: {
    code: 400,
    message:
      "The request contains one or more invalid arguments. Please refer to the endpoint documentation.",
  },
  general_query_invalid: {
    code: 400,
    message: "The query's syntax is invalid. Please check the query and try again.",
  },
  general_cursor_not_found: {
    code: 400,
    message: "The cursor is invalid. This can happen if the item represented by the cursor has been deleted.",
  },
  database_query_order_null: {
    code: 400,
    message:
      "The order attribute/column had a null value. Cursor pagination requires all documents/rows order attribute/column values are non-null.",
  },
  general_unauthorized_scope: {
    code: 401,
    message:
      "The current user or API key does not have the required scopes to access the requested resource.",
  },
  general_access_forbidden: { code: 401, message: "Access to this API is forbidden." },
  user_unauthorized: {
    code: 401,
    message: "The current user is not authorized to perform the requested action.",
  },
  project_key_expired: {
    code: 401,
    message: "The project key has expired. Please generate a new key using the Appwrite console.",
  },
  project_id_missing: {
    code: 403,
    message: "When using project API key, make sure to pass x-appwrite-project header with your project ID.",
  },
  project_not_found: {
    code: 404,
    message:
      "Project with the requested ID could not be found. Please check the value of the X-Appwrite-Project header to ensure the correct project ID is being used.",
  },
  general_route_not_found: {
    code: 404,
    message:
      "Route not found. Please ensure the endpoint is configured correctly and that the API route is valid for this SDK version. Refer to the API docs for more details.",
  },
  webhook_not_found: { code: 404, message: "Webhook with the requested ID could not be found." },
  webhook_already_exists: {
    code: 409,
    message: "Webhook with the same ID already exists. Try again with a different ID.",
  },
  general_rate_limit_exceeded: {
    code: 429,
    message: "Rate limit for the current endpoint has been exceeded. Please try again after some time.",
  },
  // Not an Appwrite type: the emulator's own answer to a body over its size cap (see server.ts).
  general_payload_too_large: { code: 413, message: "The request body is larger than the emulator accepts." },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorType = keyof typeof ERROR_TYPES;

/** An error that ends the request with an Appwrite-shaped body. */
export class AppwriteError extends Error {
  readonly type: string;
  readonly code: number;

  constructor(type: ErrorType, message?: string, code?: number) {
    const definition: ErrorDefinition = ERROR_TYPES[type];
    super(message ?? definition.message);
    this.name = "AppwriteError";
    this.type = type;
    this.code = code ?? definition.code;
  }
}

/**
 * Appwrite hides the text of unexpected errors in production: they become 500
 * `general_unknown` "Server Error". The emulator does the same so no stack or internal
 * message ever reaches a client.
 */
export function serverError(): AppwriteError {
  return new AppwriteError("general_unknown", "Server Error", 500);
}

/** The error body in the `error` model's rule order; `code` is a JSON number. */
export function errorBody(error: { message: string; code: number; type: string }): string {
  return phpJsonEncode(
    { message: error.message, code: error.code, type: error.type, version: APPWRITE_VERSION },
    { unescapedUnicode: true },
  );
}

/** Appwrite sends these on every error response so proxies never cache a failure. */
export const NO_CACHE_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-cache, no-store, must-revalidate",
  expires: "0",
  pragma: "no-cache",
};
