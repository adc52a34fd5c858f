/**
 * Zod's JSON Schema as Pulumi's property specs, for the package schema (./package-schema,
 * ./set-schema). Build time only: it loads zod.
 */
import { z } from "zod";
import { SECRET_PROPERTIES } from "../lifecycle/schema";

export interface JsonSchema {
  type?: string | string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  default?: unknown;
}

export interface PropertySpec {
  type?: string;
  items?: PropertySpec;
  /** The value type of a map (an object with keys of the user's choosing). */
  additionalProperties?: PropertySpec;
  $ref?: string;
  oneOf?: PropertySpec[];
  description?: string;
  default?: unknown;
  secret?: boolean;
}

/** JSON Schema (from zod) to a Pulumi type spec: primitives, lists and unions are all we use. */
function typeSpec(schema: JsonSchema, name: string): PropertySpec {
  // zod writes a union of primitives as `type: [..]`, other unions as `anyOf`.
  const members = Array.isArray(schema.type) ? schema.type.map((type) => ({ type })) : schema.anyOf;
  if (members) {
    const oneOf = members.map((member) => typeSpec(member, name));
    return { type: oneOf[0]?.type ?? "string", oneOf };
  }
  if (schema.enum) return { type: "string" };
  if (schema.type === "array") return { type: "array", items: typeSpec(schema.items ?? {}, name) };
  if (typeof schema.type === "string" && ["string", "boolean", "integer", "number"].includes(schema.type)) {
    return { type: schema.type };
  }
  throw new Error(`package schema: property ${name} has a type the generator does not map`);
}

/** Pulumi's schema takes a default for a primitive only; a list's default stays zod's. */
const isPrimitive = (value: unknown): boolean => ["string", "number", "boolean"].includes(typeof value);

export function properties(schema: z.ZodType, io: "input" | "output") {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  const specs: Record<string, PropertySpec> = {};
  const secret = new Set<string>(SECRET_PROPERTIES);
  for (const [name, property] of Object.entries(json.properties ?? {})) {
    specs[name] = {
      ...typeSpec(property, name),
      ...(property.description ? { description: property.description } : {}),
      ...(io === "input" && isPrimitive(property.default) ? { default: property.default } : {}),
      ...(secret.has(name) ? { secret: true } : {}),
    };
  }
  return { specs, required: json.required ?? [] };
}
