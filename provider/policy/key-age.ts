/**
 * The key-age rule: a webhook's signing key older than a set number of days. The age is an
 * output (`secretRotatedAt`, which the provider sets when a key is set), so this rule reads the
 * stack's resources as the engine hands them to `validateStack`: with their outputs. A webhook
 * being created has no age yet (its `secretRotatedAt` is unknown in a preview), and one imported
 * without a key has none recorded: neither is reported.
 */
import type { WebhookRule } from "./rules";
import { UNKNOWN, WEBHOOK_SET_TYPES, WEBHOOK_TYPES, readKnown } from "./declared";

const DAY_MS = 24 * 60 * 60 * 1000;

/** A resource of the stack, as @pulumi/policy's `validateStack` lists it. */
export interface StackResource {
  type: string;
  name: string;
  urn: string;
  props: unknown;
}

export interface StackFinding {
  urn: string;
  message: string;
}

export type KeyAgeConfig = { maxAgeDays: number };

export const keyAge: Omit<WebhookRule<KeyAgeConfig>, "check"> = {
  name: "appwrite-webhook-key-age",
  description: "Signing keys are rotated within a set number of days (from secretRotatedAt).",
  enforcementLevel: "advisory",
  config: {
    maxAgeDays: {
      type: "integer",
      minimum: 1,
      description: "The age in days past which a signing key is reported.",
      default: 90,
    },
  },
};

/** Every webhook of `resources` whose key is older than the configured age at `now`. */
export function keyAgeFindings(
  resources: readonly StackResource[],
  { maxAgeDays }: KeyAgeConfig,
  now: Date,
): StackFinding[] {
  const findings: StackFinding[] = [];
  const judge = (resource: StackResource, field: string, rotate: string, value: unknown) => {
    if (typeof value !== "string") return;
    const setAt = Date.parse(value);
    if (Number.isNaN(setAt)) return;
    const days = Math.floor((now.getTime() - setAt) / DAY_MS);
    if (days <= maxAgeDays) return;
    findings.push({
      urn: resource.urn,
      message:
        `${resource.name} ${field}: the signing key was set ${days} days ago (${value.slice(0, 10)}), ` +
        `past the ${maxAgeDays}-day limit. Rotate it: change ${rotate} (or the declared secret); ` +
        "the old key stays valid as previousSecret until the next rotation.",
    });
  };
  for (const resource of resources) {
    const rotatedAt = readKnown(resource.props, "secretRotatedAt");
    if (rotatedAt === UNKNOWN) continue;
    if (WEBHOOK_TYPES.includes(resource.type)) {
      judge(resource, "secretRotatedAt", "rotationTrigger", rotatedAt);
    } else if (
      WEBHOOK_SET_TYPES.includes(resource.type) &&
      rotatedAt !== null &&
      typeof rotatedAt === "object"
    ) {
      for (const key of Object.keys(rotatedAt).sort()) {
        judge(
          resource,
          `secretRotatedAt.${key}`,
          `webhooks.${key}.rotationTrigger`,
          readKnown(rotatedAt, key),
        );
      }
    }
  }
  return findings;
}
