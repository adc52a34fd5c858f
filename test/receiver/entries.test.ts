/**
 * The receiver's entries, as a user's `require`/`import` resolves them through package.json
 * `exports` to the built files: each entry of `appwrite-webhooks-receiver` loads from the
 * package's own dist/ and has its handlers, without loading a framework (the /express, /fastify
 * and /hono types are type-only imports). The root package's receiver entries, kept for existing
 * imports, hand out those very functions: re-exports of the receiver package, not copies.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { expect, it } from "vitest";
import { REPO_ROOT } from "../support/engine";

const load = createRequire(join(REPO_ROOT, "package.json"));

/** Each subpath with its handlers; "" is the package's main entry (Node). */
const ENTRIES = [
  [
    "",
    ["verifyWebhookSignature", "createWebhookReceiver", "signWebhookPayload", "rawUrlDecode", "answerFor"],
  ],
  ["/web", ["verifyWebhookSignature", "verifyWebhookRequest", "signWebhookPayload"]],
  ["/fetch", ["createFetchHandler"]],
  ["/hono", ["honoWebhook"]],
  ["/express", ["expressWebhook"]],
  ["/fastify", ["fastifyWebhook"]],
] as const;

it.each(ENTRIES)("appwrite-webhooks-receiver%s exports %j from the receiver's dist/", (subpath, names) => {
  const entry = `appwrite-webhooks-receiver${subpath}`;
  const loaded = load(entry) as Record<string, unknown>;
  for (const name of names) expect(typeof loaded[name], `${entry}: ${name}`).toBe("function");
  expect(load.resolve(entry).startsWith(join(REPO_ROOT, "receiver", "dist"))).toBe(true);
  const frameworks = Object.keys(load.cache).filter((path) =>
    /node_modules[\\/](express|fastify|hono)[\\/]/.test(path),
  );
  expect(frameworks).toEqual([]);
});

it.each(ENTRIES.map(([subpath]) => [subpath, subpath] as const))(
  "pulumi-appwrite-webhooks%s re-exports everything appwrite-webhooks-receiver%s exports",
  (subpath) => {
    const entry = `pulumi-appwrite-webhooks${subpath}`;
    const loaded = load(entry) as Record<string, unknown>;
    const receiver = load(`appwrite-webhooks-receiver${subpath}`) as Record<string, unknown>;
    const names = Object.keys(receiver);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(loaded[name], `${entry}: ${name}`).toBe(receiver[name]);
    // The receiver subpaths are the receiver package's entries exactly; the root entry has more.
    if (subpath !== "") expect(Object.keys(loaded).sort()).toEqual(names.sort());
    expect(load.resolve(entry).startsWith(join(REPO_ROOT, "dist", "provider"))).toBe(true);
  },
);
