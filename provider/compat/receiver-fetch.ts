/**
 * `pulumi-appwrite-webhooks/fetch`, kept so that existing imports still work: the receiver package's
 * `appwrite-webhooks-receiver/fetch` entry as it is. New code imports that package directly; it
 * carries no Pulumi.
 */
export * from "appwrite-webhooks-receiver/fetch";
