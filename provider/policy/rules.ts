/**
 * The pack's rules about one declared webhook, as plain functions: a webhook in, findings out.
 * ./policies turns each into a CrossGuard policy. Each rule carries its CrossGuard name, its
 * default enforcement level and its configuration with defaults, written once: the defaults are
 * both the schema's `default` (what `pulumi policy` tools show) and what the rule applies when
 * the configuration leaves a key out.
 *
 * What a webhook is stays the lifecycle's: the URL is read by its parser (./hosts), an event by
 * its validator (`parseEvent`), and an undeclared `tls` takes its default (`ARG_DEFAULTS`).
 */
import type { EnforcementLevel, PolicyConfigSchema } from "@pulumi/policy";
import { ARG_DEFAULTS } from "../lifecycle/arg-defaults";
import { parseEvent, type EventCatalogVersion, type ParsedEvent } from "../lifecycle/events";
import { UNKNOWN, readKnown, type DeclaredWebhook } from "./declared";
import { hostMatchesAny, webhookUrl } from "./hosts";

/** A field of one webhook (relative to it) and what is wrong with it. */
export interface Finding {
  field: string;
  message: string;
}

export type RuleConfig = Record<string, unknown>;
/** One configuration key's JSON schema, as @pulumi/policy types it. */
type ConfigKeySchema = PolicyConfigSchema["properties"][string];

export interface WebhookRule<Config extends RuleConfig> {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  /** Each configuration key's JSON schema, its `default` included. */
  config: { [Key in keyof Config]: ConfigKeySchema & { default: Config[Key] } };
  check(webhook: DeclaredWebhook, config: Config): Finding[];
}

const hostList = (description: string, defaults: string[]) => ({
  type: "array" as const,
  items: { type: "string" as const, minLength: 1 },
  description: `${description} A host, "*.example.com" (any name under example.com) or "*" (every host).`,
  default: defaults,
});

export const httpsOnly: WebhookRule<{ exceptHosts: string[] }> = {
  name: "appwrite-webhook-https",
  description:
    "Webhook URLs use https, so events, signatures and basic-auth credentials never travel in clear text.",
  enforcementLevel: "mandatory",
  config: { exceptHosts: hostList("Hosts that may receive plain http.", []) },
  check(webhook, { exceptHosts }) {
    const url = webhookUrl(webhook.field("url"));
    if (url?.scheme !== "http" || hostMatchesAny(url.host, exceptHosts)) return [];
    return [
      {
        field: "url",
        message:
          `uses http:// (host ${url.host}): Appwrite would send every event, its signature and any ` +
          "basic-auth credentials in clear text. Use https://.",
      },
    ];
  },
};

export const tlsVerified: WebhookRule<{ exceptHosts: string[] }> = {
  name: "appwrite-webhook-tls",
  description:
    "Appwrite verifies the receiver's TLS certificate (tls: true; Appwrite's own default is false).",
  enforcementLevel: "mandatory",
  config: {
    exceptHosts: hostList("Hosts whose certificate need not be verified (self-signed receivers).", []),
  },
  check(webhook, { exceptHosts }) {
    const declared = webhook.field("tls");
    const tls = declared === undefined ? ARG_DEFAULTS.tls : declared;
    if (tls !== false) return [];
    const url = webhookUrl(webhook.field("url"));
    // Over plain http there is no certificate: the https rule speaks for that webhook.
    if (url?.scheme === "http" || (url && hostMatchesAny(url.host, exceptHosts))) return [];
    return [
      {
        field: "tls",
        message:
          "is false: Appwrite would deliver to whoever answers for the host, without checking its " +
          "certificate. Remove it or set tls: true.",
      },
    ];
  },
};

export const basicAuth: WebhookRule<{ hosts: string[] }> = {
  name: "appwrite-webhook-basic-auth",
  description: "Deliveries carry basic auth (authUsername and authPassword) for the receivers that need it.",
  enforcementLevel: "advisory",
  config: { hosts: hostList("Hosts whose webhooks must send basic auth.", ["*"]) },
  check(webhook, { hosts }) {
    const url = webhookUrl(webhook.field("url"));
    if (!url || !hostMatchesAny(url.host, hosts)) return [];
    // Declared, even as a value known only at `up`, is set. (One without the other is the
    // provider check's to refuse.)
    if (webhook.field("authUsername") !== undefined && webhook.field("authPassword") !== undefined) return [];
    return [
      {
        field: "authUsername",
        message:
          `is not set: deliveries to ${url.host} would carry no basic auth. Set authUsername and ` +
          "authPassword (kept as a secret).",
      },
    ];
  },
};

export const eventScope: WebhookRule<{ allow: string[] }> = {
  name: "appwrite-webhook-event-scope",
  description:
    "Each event names an action (users.*.create), rather than every event of a resource (users.*, databases.*).",
  enforcementLevel: "mandatory",
  config: {
    allow: {
      type: "array",
      items: { type: "string", minLength: 1 },
      description:
        'Events accepted although they name no action, such as "buckets.*.files.*". A "*" segment ' +
        "here matches any segment of the event.",
      default: [],
    },
  },
  check(webhook, { allow }) {
    const events = webhook.field("events");
    if (!Array.isArray(events)) return [];
    const catalogs = catalogsFor(webhook.resourceField("eventValidation"));
    const findings: Finding[] = [];
    // By index, not forEach: each element is read on its own, since any may be unknown.
    for (let index = 0; index < events.length; index++) {
      const event = readKnown(events, String(index));
      if (typeof event !== "string") continue;
      const parsed = catalogs.map((catalog) => parseEvent(event, catalog)).find(isParsed);
      // A name Appwrite refuses is the provider check's to report.
      if (!parsed || parsed.action !== undefined || allow.some((pattern) => eventMatches(event, pattern)))
        continue;
      findings.push({
        field: `events[${index}]`,
        message:
          `"${event}" names no action, so it subscribes to every event under it (each create, update, delete…). ` +
          `List the actions the receiver handles (such as ${parsed.type}.*.create), or add it to this rule's allow list.`,
      });
    }
    return findings;
  },
};

export const allowedHosts: WebhookRule<{ hosts: string[] }> = {
  name: "appwrite-webhook-allowed-hosts",
  description: "Webhook URLs point only at allowed hosts. Checks nothing until hosts are configured.",
  enforcementLevel: "mandatory",
  config: { hosts: hostList("The hosts webhooks may deliver to; empty: any host.", []) },
  check(webhook, { hosts }) {
    const url = webhookUrl(webhook.field("url"));
    if (hosts.length === 0 || !url || hostMatchesAny(url.host, hosts)) return [];
    return [
      { field: "url", message: `points at ${url.host}, which is not an allowed host (${hosts.join(", ")}).` },
    ];
  },
};

/** The rules over a webhook's inputs, in the order a report lists them. */
export const WEBHOOK_INPUT_RULES = [httpsOnly, tlsVerified, basicAuth, eventScope, allowedHosts] as const;

/** The event catalogs a webhook's `eventValidation` names; "off" tries both (a newer server). */
function catalogsFor(mode: unknown): EventCatalogVersion[] {
  if (mode === "main") return ["main"];
  if (mode === "off" || mode === UNKNOWN) return ["1.9.6", "main"];
  return ["1.9.6"];
}

function isParsed(parsed: ParsedEvent | undefined): parsed is ParsedEvent {
  return parsed !== undefined;
}

/** An allow-list pattern: the same segments, where "*" in the pattern stands for any one. */
function eventMatches(event: string, pattern: string): boolean {
  const segments = event.split(".");
  const wanted = pattern.split(".");
  return segments.length === wanted.length && wanted.every((part, i) => part === "*" || part === segments[i]);
}

/** The configuration as the rule applies it: what the pack's user set, over the rule's defaults. */
export function configWithDefaults<Config extends RuleConfig>(
  rule: { config: WebhookRule<Config>["config"] },
  given: Record<string, unknown>,
): Config {
  const config: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(rule.config) as [string, { default: unknown }][]) {
    config[key] = given[key] ?? schema.default;
  }
  return config as Config;
}
