/**
 * The shape of the declaration file (`webhooks.yaml` or JSON), as one zod schema that validates
 * it, types it, and generates the JSON Schema editors use (committed as ./webhooks.schema.json,
 * shipped as dist/schema/webhooks.schema.json: see ../schema-files).
 */
import { z } from "zod";
import { booleanField } from "../lifecycle/schema";

/** A stack config key (`key` or `namespace:key`) whose value is a secret. */
const configKey = z.string().regex(/^([A-Za-z0-9_.-]+:)?[A-Za-z0-9_.-]+$/, {
  message: "must be a stack config key such as receiverPassword or app:receiverPassword",
});

/** Changing it sets the key again: a new generated one, or the declared one (see below). */
const rotationTrigger = z.union([z.string(), z.number()]).optional();

/**
 * Where a webhook's signing key comes from:
 * - "generate" (default): Appwrite generates it; `rotationTrigger` asks for a new one;
 * - fromConfig: your own key, from a secret stack config value (zero-downtime rotation:
 *   configure receivers first, then change the value). `rotationTrigger` sets that key again:
 *   the way back after the key was changed in the console, which no refresh can see.
 */
export const secretPolicySchema = z.union([
  z.literal("generate"),
  z.strictObject({ generate: z.literal(true), rotationTrigger }),
  z.strictObject({ fromConfig: configKey, rotationTrigger }),
]);

export const declaredWebhookSchema = z.strictObject({
  /** The Appwrite webhook ID, also the Pulumi resource name. */
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/, {
    message:
      "must be 1–36 characters of a-z, A-Z, 0-9, period, hyphen and underscore, not starting with a special character",
  }),
  name: z.string(),
  url: z.string(),
  events: z.array(z.string()).min(1, { message: "must list at least one event" }),
  enabled: booleanField("enabled").optional(),
  tls: booleanField("tls").optional(),
  auth: z
    .strictObject({
      username: z.string(),
      /** Never inline: the password is read from this secret stack config key. */
      passwordConfig: configKey,
    })
    .optional(),
  secret: secretPolicySchema.optional(),
  /** Take over a webhook that already exists with this ID (its key is replaced). */
  adopt: booleanField("adopt").optional(),
});

export const declarationSchema = z.strictObject({
  /** Format version of this file. */
  version: z.literal(1),
  /** Default values of template variables; stack config and explicit options override them. */
  variables: z.record(z.string(), z.string()).optional(),
  defaults: z
    .strictObject({
      enabled: booleanField("enabled").optional(),
      tls: booleanField("tls").optional(),
      eventValidation: z.enum(["1.9.6", "main", "off"]).optional(),
    })
    .optional(),
  webhooks: z.array(declaredWebhookSchema),
});

export type SecretPolicy = z.infer<typeof secretPolicySchema>;
export type DeclaredWebhook = z.infer<typeof declaredWebhookSchema>;
export type Declaration = z.infer<typeof declarationSchema>;

/** JSON Schema of the file, for editors (`# yaml-language-server: $schema=…`). */
export function declarationJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "pulumi-appwrite-webhooks declaration file",
    ...(z.toJSONSchema(declarationSchema, { io: "input" }) as Record<string, unknown>),
  };
}

/** The JSON Schema as the `schema` command prints it and the build writes it (../schema-files). */
export function declarationJsonSchemaText(): string {
  return `${JSON.stringify(declarationJsonSchema(), null, 2)}\n`;
}
