/**
 * Environment cloning: the staging project's webhooks, declared in webhooks.yaml, are copied
 * into the prod project with URLs mapped per environment (`${env}`) and the signing key
 * decided explicitly by `secretPolicy`:
 *   regenerate      prod gets new keys (see the `prodKeys` output);
 *   reuse           prod signs with the staging keys (known to this program's state);
 *   perEnvironment  prod keys come from secret config `prodSecret_<id>`.
 *
 * Config: appwrite:endpoint, appwrite:projectId + appwrite:apiKey (staging),
 * targetProjectId + targetApiKey (prod), secretPolicy.
 */
import * as pulumi from "@pulumi/pulumi";
import { cloneWebhooks, defineWebhooks, type CloneSecretPolicy } from "pulumi-appwrite-webhooks";

const config = new pulumi.Config();
const policyName = config.get("secretPolicy") ?? "regenerate";
const secretPolicy: CloneSecretPolicy =
  policyName === "perEnvironment"
    ? { perEnvironment: { configKey: "prodSecret_${id}" } }
    : (policyName as "regenerate" | "reuse");

const staging = defineWebhooks("webhooks.yaml");
const prod = cloneWebhooks("webhooks.yaml", {
  projectId: config.require("targetProjectId"),
  apiKey: config.requireSecret("targetApiKey"),
  variables: { env: "prod" },
  namePrefix: "prod-",
  secretPolicy,
  sourceWebhooks: staging,
});

const keysOf = (set: typeof staging) =>
  pulumi.secret(Object.fromEntries(Object.entries(set).map(([id, webhook]) => [id, webhook.secret])));

export const stagingIds = Object.fromEntries(Object.entries(staging).map(([id, w]) => [id, w.webhookId]));
export const prodIds = Object.fromEntries(Object.entries(prod).map(([id, w]) => [id, w.webhookId]));
export const prodUrls = Object.fromEntries(Object.entries(prod).map(([id, w]) => [id, w.url]));
export const stagingKeys = keysOf(staging);
export const prodKeys = keysOf(prod);
