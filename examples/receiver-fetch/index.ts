/**
 * A receiver as a Fetch API module: `export default { fetch }` is what `bun run index.ts` and
 * `deno serve index.ts` serve as they are (and the shape of a Worker and a Next.js handler).
 *
 *   WEBHOOK_URL=https://hooks.example.com/appwrite WEBHOOK_SECRET=... PORT=8080 bun run index.ts
 *   WEBHOOK_URL=https://hooks.example.com/appwrite WEBHOOK_SECRET=... deno serve --allow-env --port 8080 index.ts
 *
 * After a rotation also WEBHOOK_PREVIOUS_SECRET and WEBHOOK_SECRET_ROTATED_AT, read as JSON so
 * that an unset output stays empty rather than the word `null` (see examples/receiver/README.md).
 * A key Appwrite could not sign with answers 500 `receiver_misconfigured` with the problem.
 */
import { createFetchHandler } from "appwrite-webhooks-receiver/fetch";

const env = (name: string): string => process.env[name] ?? "";

const handler = createFetchHandler({
  url: () => env("WEBHOOK_URL"),
  getSecrets: () => ({
    current: env("WEBHOOK_SECRET"),
    previous: env("WEBHOOK_PREVIOUS_SECRET"),
    rotatedAt: env("WEBHOOK_SECRET_ROTATED_AT"),
  }),
  onEvent: ({ headers, matched }) => console.log(`verified webhook=${headers.webhookId} key=${matched}`),
  onRejected: ({ status, error, reason, problem }) =>
    console.log(`rejected ${status} ${error} ${reason ?? ""}${problem ? `: ${problem}` : ""}`),
});

export default { port: Number(env("PORT") || 8080), hostname: env("HOST") || undefined, fetch: handler };
