/**
 * A small Appwrite webhook receiver: verifies every delivery against the configured URL and the
 * stack's signing keys, and prints one line per delivery. Wire it to the Webhook's outputs
 * (previousSecret and secretRotatedAt are null before the first rotation, which plain
 * `pulumi stack output` prints as the word `null`: read them as JSON, null becoming nothing):
 *
 *   WEBHOOK_URL=https://hooks.example.com/appwrite/orders \
 *   WEBHOOK_SECRET="$(pulumi stack output secret --show-secrets)" \
 *   WEBHOOK_PREVIOUS_SECRET="$(pulumi stack output previousSecret --show-secrets --json | jq -r '. // empty')" \
 *   WEBHOOK_SECRET_ROTATED_AT="$(pulumi stack output secretRotatedAt --json | jq -r '. // empty')" \
 *   PORT=8080 npx tsx examples/receiver/index.ts
 *
 * Optional: WEBHOOK_PREVIOUS_WINDOW_SECONDS (default one day), HOST (default all interfaces).
 */
import { createServer } from "node:http";
import {
  createWebhookReceiver,
  DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS,
  webhookSecretsProblem,
  type RotatingSecrets,
} from "appwrite-webhooks-receiver";

function env(name: string): string | undefined {
  // `pulumi stack output` prints nothing for an unset output; treat blank as unset.
  const value = process.env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function fail(message: string): never {
  console.error(`receiver: ${message}`);
  process.exit(1);
}

// The URL Appwrite signs is the one configured on the webhook, not what this process sees behind
// a proxy, so it is configuration rather than something derived from the request.
const url =
  env("WEBHOOK_URL") ?? fail("set WEBHOOK_URL to the webhook URL exactly as configured in Appwrite");
const current =
  env("WEBHOOK_SECRET") ?? fail("set WEBHOOK_SECRET (pulumi stack output secret --show-secrets)");
const previous = env("WEBHOOK_PREVIOUS_SECRET");
const rotatedAt = env("WEBHOOK_SECRET_ROTATED_AT");
const windowSeconds = Number(
  env("WEBHOOK_PREVIOUS_WINDOW_SECONDS") ?? DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS,
);
const port = Number(env("PORT") ?? 8080);

if (!Number.isInteger(port) || port < 0 || port > 65_535)
  fail(`PORT must be a port number, got "${env("PORT")}"`);
if (!(windowSeconds >= 0)) fail("WEBHOOK_PREVIOUS_WINDOW_SECONDS must be a number of seconds");

const secrets: RotatingSecrets = { current, previous, rotatedAt, previousWindowSeconds: windowSeconds };
// A key Appwrite could not sign with (the word `null`, fewer than 8 characters...) would answer
// 500 to every delivery; say so now, with the variable, rather than per request.
const problem = webhookSecretsProblem(secrets);
if (problem !== undefined) {
  fail(`${problem} (from WEBHOOK_SECRET, WEBHOOK_PREVIOUS_SECRET and WEBHOOK_SECRET_ROTATED_AT)`);
}
if (previous !== undefined && rotatedAt !== undefined) {
  const until = new Date(Date.parse(rotatedAt) + windowSeconds * 1000);
  if (!Number.isNaN(until.getTime()))
    console.log(`receiver: previous key accepted until ${until.toISOString()}`);
}

const handler = createWebhookReceiver({
  url,
  secrets,
  onEvent({ headers, matched, urlMode }) {
    // Never print the keys or the signature; which key matched is enough to follow a rotation.
    console.log(
      `${new Date().toISOString()} verified webhook=${headers.webhookId} project=${headers.projectId}` +
        ` key=${matched} url=${urlMode} events=${headers.events.join(",")}`,
    );
  },
  onRejected({ status, error, reason, problem: why }, req) {
    console.log(
      `${new Date().toISOString()} rejected ${status} ${error}${reason ? ` (${reason})` : ""}${why ? `: ${why}` : ""} from ${req.socket.remoteAddress ?? "?"}`,
    );
  },
});

const server = createServer((req, res) => void handler(req, res));
// Appwrite gives up on a delivery after 15 s; a client slower than that is not Appwrite.
server.requestTimeout = 20_000;
server.headersTimeout = 10_000;
server.listen(port, env("HOST"), () => {
  const address = server.address();
  const where = typeof address === "object" && address ? address.port : port;
  console.log(`receiver: listening on port ${where} for ${url}`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
