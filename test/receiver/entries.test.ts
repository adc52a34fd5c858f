/**
 * The package's receiver subpaths, as a user's `require`/`import` resolves them through
 * package.json `exports` to the built files: each loads and has its handler. Loading /express,
 * /fastify and /hono must not need the framework (their types are type-only imports).
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT } from "../support/engine";

const load = createRequire(join(REPO_ROOT, "package.json"));

it.each([
  [
    "pulumi-appwrite-webhooks",
    ["verifyWebhookSignature", "createWebhookReceiver", "signWebhookPayload", "rawUrlDecode"],
  ],
  ["pulumi-appwrite-webhooks/web", ["verifyWebhookSignature", "verifyWebhookRequest", "signWebhookPayload"]],
  ["pulumi-appwrite-webhooks/fetch", ["createFetchHandler"]],
  ["pulumi-appwrite-webhooks/hono", ["honoWebhook"]],
  ["pulumi-appwrite-webhooks/express", ["expressWebhook"]],
  ["pulumi-appwrite-webhooks/fastify", ["fastifyWebhook"]],
] as const)("%s exports %j", (entry, names) => {
  const loaded = load(entry) as Record<string, unknown>;
  for (const name of names) expect(typeof loaded[name], `${entry}: ${name}`).toBe("function");
  const file = load.resolve(entry);
  const room = entry === "pulumi-appwrite-webhooks" ? "provider" : "receiver";
  expect(file.startsWith(join(REPO_ROOT, "dist", room))).toBe(true);
  if (entry !== "pulumi-appwrite-webhooks") {
    const frameworks = Object.keys(load.cache).filter((path) =>
      /node_modules[\\/](express|fastify|hono)[\\/]/.test(path),
    );
    expect(frameworks).toEqual([]);
  }
});
