/**
 * An Appwrite Function (Node runtime) that receives the webhooks of another Appwrite project.
 * Deploy it in project B, point project A's webhook at the function's domain, and set the
 * function variables WEBHOOK_URL (the webhook URL as configured in project A) and WEBHOOK_SECRET
 * (project A's webhook key; WEBHOOK_PREVIOUS_SECRET and WEBHOOK_SECRET_ROTATED_AT after a
 * rotation). Function variables reach the code as environment variables.
 */
import {
  answerFor,
  ANSWER_HEADERS,
  deliveryFrom,
  rejectionFor,
  verifyWebhookRequest,
  type WebhookRejection,
} from "appwrite-webhooks-receiver";

/** The part of the Appwrite Functions context this function uses (Node runtime). */
export interface FunctionContext {
  req: {
    method: string;
    /** The body's bytes (a Buffer); bodyText is the same bytes as text. */
    bodyBinary?: Uint8Array;
    bodyText: string;
    /** Header names in lower case. */
    headers: Record<string, string>;
  };
  res: {
    text(body: string, statusCode?: number, headers?: Record<string, string>): unknown;
  };
  log(message: unknown): void;
  error(message: unknown): void;
}

function variable(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

export default async function receive({ req, res, log, error }: FunctionContext): Promise<unknown> {
  // The same statuses and JSON bodies as the package's other receivers.
  const answer = (rejection?: WebhookRejection) => {
    if (rejection) {
      const { status, error: code, reason = "", problem } = rejection;
      log(`rejected ${status} ${code} ${reason}`.trim() + (problem ? `: ${problem}` : ""));
    }
    const { status, json } = answerFor(rejection);
    return res.text(json, status, { ...ANSWER_HEADERS });
  };
  if (req.method !== "POST") return answer({ status: 405, error: "method_not_allowed" });
  const url = variable("WEBHOOK_URL");
  const current = variable("WEBHOOK_SECRET");
  if (url === undefined || current === undefined) {
    error("set the function variables WEBHOOK_URL and WEBHOOK_SECRET");
    return answer(rejectionFor("no-secrets"));
  }
  // The bytes as sent: bodyText would do for valid UTF-8, the binary form keeps invalid bytes invalid.
  const rawBody = req.bodyBinary ?? new TextEncoder().encode(req.bodyText);
  const verdict = verifyWebhookRequest({
    url,
    rawBody,
    headers: req.headers,
    secrets: {
      current,
      previous: variable("WEBHOOK_PREVIOUS_SECRET"),
      rotatedAt: variable("WEBHOOK_SECRET_ROTATED_AT"),
    },
  });
  const checked = deliveryFrom(verdict, rawBody);
  if (!checked.ok) return answer(checked.rejection);
  const { headers, matched, payload } = checked.delivery;
  log(`verified webhook=${headers.webhookId} project=${headers.projectId} key=${matched}`);
  // Hand the verified payload to your own code here; validate its shape before trusting it.
  void payload;
  return answer();
}
