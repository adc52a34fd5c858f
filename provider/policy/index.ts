/**
 * `pulumi-appwrite-webhooks/policy`: the CrossGuard policies of the `appwrite-webhooks` policy
 * pack, for a pack of your own to include. The pack itself, ready for `--policy-pack`, is the
 * package's `policy-pack/` folder (see its README); it runs exactly these policies.
 *
 * Each policy applies to both doors' `Webhook` and `WebhookSet` types (./declared), and reports a
 * violation as "<resource> <field>: <what is wrong>", the field of a set's entry as
 * `webhooks.<key>.<field>`. This module loads the lifecycle's URL and event rules and
 * @pulumi/policy, and nothing of a Pulumi program: no door, no client.
 */
import type { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { declaredWebhooks } from "./declared";
import { keyAge, keyAgeFindings, type KeyAgeConfig } from "./key-age";
import {
  allowedHosts,
  basicAuth,
  configWithDefaults,
  eventScope,
  httpsOnly,
  tlsVerified,
  type RuleConfig,
  type WebhookRule,
} from "./rules";

export { WEBHOOK_SET_TYPES, WEBHOOK_TYPES } from "./declared";
export type { Finding, WebhookRule } from "./rules";

/** The pack's name, as `pulumi preview` prints it and `--policy-pack-config` files key it. */
export const POLICY_PACK_NAME = "appwrite-webhooks";

export interface WebhookPolicyOptions {
  /** The clock the key-age rule measures against (tests pass a fixed one). */
  now?: () => Date;
}

/** The pack's policies: five over each webhook's inputs, and the key age over the stack's outputs. */
export function createWebhookPolicies(options: WebhookPolicyOptions = {}): Policies {
  return [
    resourcePolicy(httpsOnly),
    resourcePolicy(tlsVerified),
    resourcePolicy(basicAuth),
    resourcePolicy(eventScope),
    resourcePolicy(allowedHosts),
    keyAgePolicy(options.now ?? (() => new Date())),
  ];
}

/** The pack's policies, on the real clock. */
export const webhookPolicies: Policies = createWebhookPolicies();

function resourcePolicy<Config extends RuleConfig>(rule: WebhookRule<Config>): ResourceValidationPolicy {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    configSchema: { properties: rule.config },
    validateResource(args, reportViolation) {
      const webhooks = declaredWebhooks(args.type, args.name, args.props);
      if (webhooks.length === 0) return;
      const config = configWithDefaults(rule, args.getConfig<Record<string, unknown>>());
      for (const webhook of webhooks) {
        for (const finding of rule.check(webhook, config)) {
          reportViolation(`${webhook.resource} ${webhook.prefix}${finding.field}: ${finding.message}`);
        }
      }
    },
  };
}

function keyAgePolicy(now: () => Date): StackValidationPolicy {
  return {
    name: keyAge.name,
    description: keyAge.description,
    enforcementLevel: keyAge.enforcementLevel,
    configSchema: { properties: keyAge.config },
    validateStack(args, reportViolation) {
      const config = configWithDefaults<KeyAgeConfig>(keyAge, args.getConfig<Record<string, unknown>>());
      for (const finding of keyAgeFindings(args.resources, config, now())) {
        reportViolation(finding.message, finding.urn);
      }
    },
  };
}
