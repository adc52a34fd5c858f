/**
 * The plugin's package name and resource token. Apart from ./package-schema, which loads zod to
 * generate the schema at build time, so that the running plugin starts without it.
 */
export const PACKAGE_NAME = "appwrite-webhooks";
export const WEBHOOK_TOKEN = `${PACKAGE_NAME}:index:Webhook`;
