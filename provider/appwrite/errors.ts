/**
 * Typed errors with messages that name the operation, Appwrite's error type and the fix.
 * Every message passes through `redact` before it is built, because Pulumi prints provider
 * errors verbatim to the console and CI logs.
 */

/** Replaces every occurrence of each secret with a marker. Short strings are left alone: they are not secrets we hold. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join("[redacted]");
  }
  return result;
}

export interface HintContext {
  scope: string;
  projectId: string;
  /** The stack-config namespace the door reads (`appwrite` or `appwrite-webhooks`). */
  configNamespace: string;
}

/** What to do about an Appwrite error type, keyed by `type`. */
const HINTS: Record<string, (context: HintContext) => string> = {
  general_unauthorized_scope: ({ scope }) =>
    `the API key lacks the ${scope} scope; add it to the key in the Appwrite console (Overview → API keys)`,
  user_unauthorized: ({ projectId, configNamespace }) =>
    `the API key is not valid for project "${projectId}"; check ${configNamespace}:apiKey / APPWRITE_API_KEY`,
  project_id_missing: ({ projectId, configNamespace }) =>
    `the API key belongs to another project than "${projectId}"; check ${configNamespace}:projectId / APPWRITE_PROJECT_ID`,
  project_not_found: ({ projectId }) =>
    `no project "${projectId}" exists on this server; check the project ID`,
  project_key_expired: () => "the API key has expired; create a new key in the Appwrite console",
  general_rate_limit_exceeded: () =>
    "the server kept rate-limiting after the retries; run the command again later",
  webhook_not_found: () =>
    "the webhook no longer exists on the server; run `pulumi refresh` to reconcile state",
  general_route_not_found: () =>
    "this server has no /v1/webhooks API: pulumi-appwrite-webhooks needs Appwrite 1.9 or later",
};

export class AppwriteApiError extends Error {
  constructor(
    /** What we were doing, e.g. "create webhook hooks-1". */
    readonly operation: string,
    readonly status: number,
    /** Appwrite's error `type`, e.g. "general_argument_invalid"; "" when the body was not Appwrite's. */
    readonly type: string,
    readonly appwriteMessage: string,
    readonly hint: string | undefined,
  ) {
    super(
      // Appwrite's messages end with a period; one is added before the fix, never two.
      `Appwrite refused to ${operation}: HTTP ${status}${type ? ` ${type}` : ""}: ${appwriteMessage.replace(/\.$/, "")}` +
        (hint ? `. Fix: ${hint}` : ""),
    );
    this.name = "AppwriteApiError";
  }
}

export function hintFor(type: string, context: HintContext): string | undefined {
  return HINTS[type]?.(context);
}

/** A request that never got an HTTP answer (reset, timeout, DNS) after all retries. */
export class AppwriteTransportError extends Error {
  /** What failed, without the advice: for a message that quotes this one inside its own. */
  readonly summary: string;

  constructor(
    readonly operation: string,
    readonly causeCode: string,
    readonly detail: string,
  ) {
    const summary = `Could not ${operation}: ${detail} (${causeCode})`;
    super(`${summary}. Check the endpoint and the network, then run again.`);
    this.name = "AppwriteTransportError";
    this.summary = summary;
  }
}

/**
 * The same failure, reported as another operation's. One request may serve several operations
 * (a list read on behalf of every webhook waiting for it); each of them then fails with its own
 * name, as it would had it sent its own request, so the message does not depend on which ran.
 */
export function asFailureOf(error: unknown, operation: string): unknown {
  if (error instanceof AppwriteApiError)
    return new AppwriteApiError(operation, error.status, error.type, error.appwriteMessage, error.hint);
  if (error instanceof AppwriteTransportError)
    return new AppwriteTransportError(operation, error.causeCode, error.detail);
  return error;
}

/**
 * Pulumi's partial-failure shape: the dynamic provider server reports an error carrying `id`
 * as "created but failed to initialise", so the engine records the resource in state
 * instead of orphaning it. `properties` must include `__provider`, or a later delete cannot
 * load the provider code.
 */
export class ResourceInitError extends Error {
  /** The engine prints `reasons`, not the message, so the message is the one reason. */
  readonly reasons: string[];
  readonly properties: Record<string, unknown>;

  constructor(
    message: string,
    readonly id: string,
    properties: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ResourceInitError";
    this.reasons = [message];
    // The provider server encodes these with protobuf's Struct, which throws on `undefined`; the
    // throw happens after the error is caught, so the RPC never answers and `pulumi up` hangs.
    this.properties = Object.fromEntries(
      Object.entries(properties).filter(([, value]) => value !== undefined),
    );
  }
}
