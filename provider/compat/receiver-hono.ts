/**
 * `pulumi-appwrite-webhooks/hono`, kept so that existing imports still work: the receiver package's
 * `appwrite-webhooks-receiver/hono` entry as it is. New code imports that package directly; it
 * carries no Pulumi.
 */
export * from "appwrite-webhooks-receiver/hono";
