/**
 * A Cloudflare Worker that receives Appwrite webhooks with Hono. The URL and the keys are the
 * Worker's bindings (`wrangler secret put WEBHOOK_SECRET`), read per request, so a rotation
 * window is judged at delivery time and a redeploy picks up new keys.
 */
import { Hono, type Context } from "hono";
import { honoWebhook } from "appwrite-webhooks-receiver/hono";

export interface Env {
  /** The webhook URL exactly as configured in Appwrite, e.g. https://hooks.example.com/appwrite. */
  WEBHOOK_URL: string;
  /** The Webhook resource's `secret` output. */
  WEBHOOK_SECRET: string;
  /** `previousSecret` and `secretRotatedAt`: unset before the first rotation (never the word `null`). */
  WEBHOOK_PREVIOUS_SECRET?: string;
  WEBHOOK_SECRET_ROTATED_AT?: string;
}

type AppContext = Context<{ Bindings: Env }>;

const app = new Hono<{ Bindings: Env }>();

app.all(
  "/appwrite",
  honoWebhook<AppContext>({
    url: (c) => c.env.WEBHOOK_URL,
    getSecrets: (c) => ({
      current: c.env.WEBHOOK_SECRET,
      previous: c.env.WEBHOOK_PREVIOUS_SECRET,
      rotatedAt: c.env.WEBHOOK_SECRET_ROTATED_AT,
    }),
    onEvent({ headers, matched }) {
      // Never log the keys or the signature; which key matched is enough to follow a rotation.
      console.log(`verified webhook=${headers.webhookId} key=${matched} events=${headers.events.join(",")}`);
    },
    onRejected({ status, error, reason, problem }) {
      console.log(
        `rejected ${status} ${error}${reason ? ` (${reason})` : ""}${problem ? `: ${problem}` : ""}`,
      );
    },
  }),
);

export default app;
