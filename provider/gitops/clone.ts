/**
 * Cloning a project's declared webhooks into another project or environment, with the signing
 * key decided explicitly. Every other Appwrite tool silently drops the key when copying; here the
 * caller must say what happens to it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Webhook } from "../dynamic/webhook";
import type { DeclaredWebhook } from "./declaration";
import {
  defineWebhooks,
  requireSecretConfig,
  type DeclarationSource,
  type DefineWebhooksOptions,
} from "./define";

/**
 * - "regenerate": the target gets new keys (read them from the returned webhooks' `secret`);
 * - "reuse": the target signs with the source's key, so receivers need no change. Only possible
 *   when the key is known to Pulumi: the source webhooks are in this program (`sourceWebhooks`),
 *   or the source declares `secret: { fromConfig }`;
 * - { perEnvironment }: each key comes from secret stack config, the key name built from the
 *   webhook ID, e.g. `prodSecret_${id}`.
 */
export type CloneSecretPolicy = "regenerate" | "reuse" | { perEnvironment: { configKey: string } };

/** The source ID of a clone, whose ID carries the clone prefix. */
function sourceId(webhook: DeclaredWebhook, options: CloneOptions): string {
  const prefix = options.idPrefix ?? options.namePrefix;
  return webhook.id.startsWith(prefix) ? webhook.id.slice(prefix.length) : webhook.id;
}

export interface CloneOptions extends Omit<DefineWebhooksOptions, "secretFor" | "projectId"> {
  /** The target project. */
  projectId: pulumi.Input<string>;
  secretPolicy: CloneSecretPolicy;
  /** The source's Webhook resources in this program, for "reuse". */
  sourceWebhooks?: Record<string, Webhook>;
  /** Resource name prefix of the clones; required, so clones never collide with the source. */
  namePrefix: string;
  /** Webhook ID prefix of the clones; default `namePrefix`. Use "" to keep the IDs on another server. */
  idPrefix?: string;
}

export class ClonePolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ClonePolicyError";
  }
}

function secretFor(
  policy: CloneSecretPolicy,
  options: CloneOptions,
): (webhook: DeclaredWebhook) => pulumi.Input<string> | undefined {
  if (policy === "regenerate") return () => undefined;
  if (policy === "reuse") {
    return (webhook) => {
      const fromProgram = options.sourceWebhooks?.[sourceId(webhook, options)];
      if (fromProgram) return fromProgram.secret;
      if (typeof webhook.secret === "object" && "fromConfig" in webhook.secret) {
        return requireSecretConfig(webhook.secret.fromConfig, options.configNamespace);
      }
      throw new ClonePolicyError(
        `secretPolicy "reuse" cannot copy the key of webhook "${sourceId(webhook, options)}": Appwrite never returns a key after ` +
          "creation, so it is known only to the Pulumi program that holds it. Pass the source webhooks as " +
          '`sourceWebhooks`, declare the source key with `secret: { fromConfig: … }`, or choose "regenerate" or "perEnvironment".',
      );
    };
  }
  const template = policy.perEnvironment.configKey;
  if (!template.includes("${id}")) {
    throw new ClonePolicyError(
      `perEnvironment.configKey must contain \${id}, e.g. "prodSecret_\${id}"; got "${template}"`,
    );
  }
  return (webhook) =>
    new pulumi.Config(options.configNamespace).requireSecret(
      template.split("${id}").join(sourceId(webhook, options)),
    );
}

/** Declares the clones in the target project; returns them keyed by webhook ID. */
export function cloneWebhooks(source: DeclarationSource, options: CloneOptions): Record<string, Webhook> {
  if (!options.namePrefix)
    throw new ClonePolicyError(
      "namePrefix is required so clones never share a resource name with the source",
    );
  // The source as given, so defineWebhooks reports every problem of the file in one pass.
  return defineWebhooks(source, {
    ...options,
    idPrefix: options.idPrefix ?? options.namePrefix,
    secretFor: secretFor(options.secretPolicy, options),
  });
}
