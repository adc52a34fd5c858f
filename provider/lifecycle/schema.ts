/**
 * The one source of validation for `Webhook` inputs. The zod schema defines the rules Appwrite
 * 1.9.6 enforces (plus the few this package adds on purpose, each marked), the TypeScript types
 * derive from it, and `check` turns its issues into Pulumi check failures, one per property.
 */
import { z } from "zod";
import { ARG_DEFAULTS } from "./arg-defaults";
import { isValidEvent, suggestEvent, type EventValidationMode } from "./events";
import { webhookUrlProblem } from "./url-rules";

export { SECRET_PROPERTIES } from "./secret-properties";

/** Appwrite's CustomId: 1–36 of [A-Za-z0-9._-], not starting with a special character. */
export const WEBHOOK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/;
export const MAX_EVENTS = 100;
/** Event strings live in a 255-character column. */
export const MAX_EVENT_LENGTH = 255;

/** Appwrite counts characters with mb_strlen, i.e. code points, not UTF-16 units. */
const codePoints = (value: string): number => [...value].length;

/** Only an optional field may suggest leaving it out: a required one would then fail as missing. */
type Presence = "required" | "optional";

function text(field: string, min: number, max: number, presence: Presence, why = "Appwrite's limit") {
  return z.string({ error: `${field} must be a string` }).superRefine((value, ctx) => {
    const length = codePoints(value);
    if (length >= min && length <= max) return;
    ctx.addIssue({
      code: "custom",
      message:
        min === 1 && length === 0
          ? `${field} must not be empty (Appwrite rejects ""${presence === "optional" ? "; omit the field instead" : ""})`
          : `${field} must be ${min}–${max} characters (${why}), got ${length}`,
    });
  });
}

/** What a value is, for a message: `the string "true"` tells a YAML or config quoting slip at once. */
function describeValue(value: unknown): string {
  if (typeof value === "string") {
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `the ${typeof value} ${String(value)}`;
}

/** A boolean input whose message shows what was given instead (also used by the declaration file). */
export function booleanField(field: string) {
  return z.boolean({
    error: (issue) => `${field} must be true or false (a boolean), got ${describeValue(issue.input)}`,
  });
}

export const eventValidationSchema = z.enum(["1.9.6", "main", "off"], {
  error: 'eventValidation must be "1.9.6" (default), "main" (Appwrite main-branch event names) or "off"',
});

const webhookIdSchema = z
  .string({ error: "webhookId must be a string" })
  .refine((value) => value !== "unique()", {
    message: 'webhookId "unique()" is not allowed: omit webhookId and the provider picks a stable ID once',
  })
  .refine((value) => value === "unique()" || WEBHOOK_ID_PATTERN.test(value), {
    message:
      "webhookId must be 1–36 characters of a-z, A-Z, 0-9, period, hyphen and underscore, not starting with a special character",
  });

const urlSchema = z.string({ error: "url must be a string" }).superRefine((value, ctx) => {
  const problem = webhookUrlProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: `url ${problem}` });
});

export const endpointSchema = z.string({ error: "endpoint must be a string" }).superRefine((value, ctx) => {
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    ctx.addIssue({
      code: "custom",
      message: `endpoint must be an http(s) URL such as https://cloud.appwrite.io/v1`,
    });
  } else if (!/\/v1\/?$/.test(parsed.pathname)) {
    ctx.addIssue({
      code: "custom",
      message: `endpoint must end with /v1 (for example ${parsed.origin}/v1), got path "${parsed.pathname}"`,
    });
  }
});

/** The fields a program declares. Connection fields may also come from stack config or env. */
export const webhookArgsSchema = z
  .strictObject(
    {
      name: text("name", 1, 128, "required"),
      url: urlSchema,
      events: z
        .array(z.string({ error: "each event must be a string" }), {
          error: "events must be a list of strings",
        })
        .max(MAX_EVENTS, { message: `events must have at most ${MAX_EVENTS} entries (Appwrite's limit)` }),
      enabled: booleanField("enabled").default(ARG_DEFAULTS.enabled),
      tls: booleanField("tls").default(ARG_DEFAULTS.tls),
      // 255, not the API's 256: the value lives in a 255-character column and 256 fails as a 500.
      authUsername: text(
        "authUsername",
        1,
        255,
        "optional",
        "Appwrite stores it in a 255-character column",
      ).optional(),
      authPassword: text("authPassword", 1, 256, "optional").optional(),
      webhookId: webhookIdSchema.optional(),
      secret: text("secret", 8, 256, "optional").optional(),
      rotationTrigger: z
        .union([z.string(), z.number()], { error: "rotationTrigger must be a string or a number" })
        .optional(),
      projectId: z
        .string({ error: "projectId must be a string" })
        .regex(WEBHOOK_ID_PATTERN, {
          message: "projectId must be 1–36 characters of a-z, A-Z, 0-9, period, hyphen and underscore",
        })
        .optional(),
      endpoint: endpointSchema.optional(),
      apiKey: z
        .string({ error: "apiKey must be a string" })
        .min(1, { message: "apiKey must not be empty" })
        .optional(),
      eventValidation: eventValidationSchema.default(ARG_DEFAULTS.eventValidation),
      adopt: booleanField("adopt").default(ARG_DEFAULTS.adopt),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys" ? `unknown input ${issue.keys.join(", ")}` : undefined,
    },
  )
  .superRefine((args, ctx) => {
    validateEvents(args.events, args.eventValidation, ctx);
    // Appwrite sends basic auth only when both are set; one without the other is always a mistake.
    if ((args.authUsername === undefined) !== (args.authPassword === undefined)) {
      const missing = args.authUsername === undefined ? "authUsername" : "authPassword";
      ctx.addIssue({
        code: "custom",
        path: [missing],
        message: `${missing} is required when ${missing === "authUsername" ? "authPassword" : "authUsername"} is set: Appwrite sends basic auth only when both are present`,
      });
    }
  });

function validateEvents(events: string[], mode: EventValidationMode, ctx: z.RefinementCtx): void {
  events.forEach((event, index) => {
    if (codePoints(event) > MAX_EVENT_LENGTH) {
      ctx.addIssue({
        code: "custom",
        path: ["events", index],
        message: `events[${index}] must be at most ${MAX_EVENT_LENGTH} characters`,
      });
    } else if (mode !== "off" && !isValidEvent(event, mode)) {
      const suggestion = suggestEvent(event);
      ctx.addIssue({
        code: "custom",
        path: ["events", index],
        message:
          `events[${index}] "${event}" is not an Appwrite ${mode} event name` +
          (suggestion ? ` (did you mean "${suggestion}"?)` : "") +
          `. Use forms like users.*.create or buckets.*.files.*; set eventValidation: "off" for a newer server`,
      });
    }
  });
}

/** What the program declares, as the lifecycle receives it (after Pulumi resolves Outputs). */
export type WebhookArgsInput = z.input<typeof webhookArgsSchema>;
export type WebhookArgsChecked = z.output<typeof webhookArgsSchema>;

/**
 * Checked inputs as stored in state: the args with defaults applied, plus the ID the provider
 * picked and the connection target it resolved, so a later config change shows as a replace.
 */
export interface WebhookInputs extends WebhookArgsChecked {
  webhookId: string;
  endpoint: string;
  projectId: string;
}

/**
 * What the provider computes beside the inputs. Only the plugin's package schema is derived from
 * it (the lifecycle builds these values itself); `WebhookState` is typed from it.
 */
export const webhookComputedSchema = z.object({
  secret: z.string(),
  /**
   * Where the key in force came from: "user" (the declared `secret`), "appwrite" (generated), or
   * "unknown" after `pulumi import`, since Appwrite never returns a key; the next declared
   * `secret` or `rotationTrigger` makes it known.
   */
  secretSource: z.enum(["user", "appwrite", "unknown"]),
  previousSecret: z.string().optional(),
  secretRotatedAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  attempts: z.number().int(),
  logs: z.string(),
});

/** Where the current signing key came from. */
export type SecretSource = z.infer<typeof webhookComputedSchema>["secretSource"];

/** Outputs as stored in state. Everything `delete`, `read` and `update` need lives here. */
export interface WebhookState extends WebhookInputs {
  secret: string;
  secretSource: SecretSource;
  previousSecret?: string;
  secretRotatedAt?: string;
  createdAt: string;
  updatedAt: string;
  attempts: number;
  logs: string;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * Validates raw inputs. `isUnknown` tells which values are not known yet (preview of a value
 * computed by another resource): issues on those are dropped, since the value is checked again
 * at `up` time.
 */
export function validateArgs(
  raw: Record<string, unknown>,
  isUnknown: (value: unknown) => boolean,
): { args?: WebhookArgsChecked; failures: CheckFailure[] } {
  return validateWith(webhookArgsSchema, raw, isUnknown);
}

/** `validateArgs` for any schema of inputs (a `WebhookSet`'s own, see ./webhook-set/schema). */
export function validateWith<T>(
  schema: z.ZodType<T>,
  raw: Record<string, unknown>,
  isUnknown: (value: unknown) => boolean,
): { args?: T; failures: CheckFailure[] } {
  const result = schema.safeParse(raw);
  if (result.success) return { args: result.data, failures: [] };
  const failures: CheckFailure[] = [];
  const seen = new Set<string>();
  for (const issue of result.error.issues) {
    if (pathTouchesUnknown(raw, issue.path, isUnknown)) continue;
    const property = issue.path.length > 0 ? String(issue.path[0]) : unknownKeyProperty(issue);
    const reason = issue.message;
    const key = `${property}\u0000${reason}`;
    if (seen.has(key)) continue;
    seen.add(key);
    failures.push({ property, reason });
  }
  return { failures };
}

function unknownKeyProperty(issue: z.core.$ZodIssue): string {
  return issue.code === "unrecognized_keys" ? (issue.keys[0] ?? "") : "";
}

function pathTouchesUnknown(
  raw: Record<string, unknown>,
  path: readonly PropertyKey[],
  isUnknown: (value: unknown) => boolean,
): boolean {
  let current: unknown = raw;
  for (const key of path) {
    if (isUnknown(current)) return true;
    if (current === null || typeof current !== "object") return false;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  if (isUnknown(current)) return true;
  // A list with an unknown element may fail as a whole (e.g. the events rule), so drop those too.
  return Array.isArray(current) && current.some(isUnknown);
}
