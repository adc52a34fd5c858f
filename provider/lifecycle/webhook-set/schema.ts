/**
 * The rules of a `WebhookSet`'s own inputs, as zod: the policy for unmanaged webhooks, the
 * concurrency, and the one connection. An entry's fields are a `Webhook`'s, checked by the
 * webhook's own schema (../schema) entry by entry: no rule is written twice. `entryArgsSchema`
 * names those fields for the plugin's package schema.
 */
import { z } from "zod";
import { eventValidationSchema, webhookArgsSchema } from "../schema";
import { ENTRY_KEYS, MAX_CONCURRENCY, SET_DEFAULTS, UNMANAGED_POLICIES } from "./types";

const webhookShape = webhookArgsSchema.shape;

/** An entry's fields, exactly as a `Webhook` declares them. */
export const entryArgsSchema = z.strictObject(
  Object.fromEntries(ENTRY_KEYS.map((key) => [key, webhookShape[key]])) as Pick<
    typeof webhookShape,
    (typeof ENTRY_KEYS)[number]
  >,
);

/** The set's own inputs; `webhooks` holds each entry as given, for check to take one by one. */
export const setArgsSchema = z.strictObject(
  {
    webhooks: z.record(
      z.string().min(1, { message: "webhooks keys must not be empty" }),
      z.record(z.string(), z.unknown(), {
        error: "each entry of webhooks must be an object of Webhook inputs",
      }),
      { error: "webhooks must be a map from a key to a webhook's inputs" },
    ),
    unmanaged: z
      .enum(UNMANAGED_POLICIES, {
        error: 'unmanaged must be "report" (default), "ignore" or "delete"',
      })
      .default(SET_DEFAULTS.unmanaged),
    ignoreUnmanaged: z
      .array(z.string().min(1, { message: "ignoreUnmanaged entries must not be empty" }), {
        error: "ignoreUnmanaged must be a list of webhook IDs or patterns such as console-*",
      })
      .default([]),
    concurrency: z
      .number({ error: "concurrency must be a whole number" })
      .int({ message: "concurrency must be a whole number" })
      .min(1, { message: "concurrency must be at least 1" })
      .max(MAX_CONCURRENCY, { message: `concurrency must be at most ${MAX_CONCURRENCY}` })
      .default(SET_DEFAULTS.concurrency),
    eventValidation: eventValidationSchema.default(SET_DEFAULTS.eventValidation),
    projectId: webhookShape.projectId,
    endpoint: webhookShape.endpoint,
    apiKey: webhookShape.apiKey,
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `unknown input ${issue.keys.join(", ")}` : undefined,
  },
);

export type SetArgsChecked = z.output<typeof setArgsSchema>;
