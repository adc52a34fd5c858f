/**
 * `pulumi-appwrite-webhooks trigger <event> --url <receiver> (--secret-env VAR | --stack S --webhook KEY)`
 *
 * Sends one signed test event, shaped like Appwrite 1.9.6's for that event, to a receiver, and
 * prints the receiver's status and the start of its answer; anything but a 2xx exits 1.
 *
 * The key never comes from an argument (arguments end up in shell history, CI logs and `ps`):
 * it is read from an environment variable, or from a stack's state. Reading a stack is the
 * provisioning side's concern (it knows where its resources keep their keys), so cli/index.ts
 * hands that reader in, and the emulator stays free of provider code. The key is never printed:
 * not in errors, and not in a receiver's answer, should one echo it.
 */
import { parseArgs } from "node:util";
import { APPWRITE_RELEASES, isAppwriteRelease, type AppwriteRelease } from "../appwrite-config/releases";
import { EventNameError } from "./event-payload";
import { sendTestEvent, type TestEventTarget } from "./send-test-event";

export const TRIGGER_USAGE = `usage: pulumi-appwrite-webhooks trigger <event> --url <receiver> (--secret-env <VAR> | --stack <stack> --webhook <key>)
  <event>              an Appwrite event, IDs as * or given: users.*.create, buckets.b1.files.*.create
  --url <url>          the webhook URL the receiver verifies against (with --stack: the webhook's own by default)
  --secret-env <VAR>   read the signing key from this environment variable
  --stack <stack>      read the key, and the webhook's URL, ID, name, project, TLS and basic auth,
  --webhook <key>        from this stack's state (pulumi stack export --show-secrets, in the current directory):
                         the Webhook resource, WebhookSet entry or declaration-file key named <key>
  --connect <origin>   send to this origin (http://127.0.0.1:8080) instead of the URL's host; the
                         signature and Host header still follow --url
  --project <id>       X-Appwrite-Webhook-Project-Id (default: the stack's, else test-project)
  --data <json>        fields to add to the payload, e.g. a document's attributes: '{"title":"Hi"}'
  --timeout-ms <n>     give up after n ms (default 15000, as Appwrite's worker)
  --appwrite <release> sign and name events as 1.9.6 (default) or next (Appwrite's main branch) does`;

/** How much of the receiver's answer is printed. */
const ANSWER_PREVIEW_BYTES = 200;

/** A webhook as a stack's state holds it, with its signing key. */
export interface StackWebhook {
  url: string;
  secret: string;
  projectId: string;
  webhookId: string;
  name: string;
  tls: boolean;
  authUsername?: string;
  authPassword?: string;
}

/** Reads the webhook called `key` from `stack`'s state; its errors never hold a key. */
export type StackWebhookReader = (stack: string, key: string) => Promise<StackWebhook>;

export interface TriggerIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  readStackWebhook?: StackWebhookReader;
}

const processIo: TriggerIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
};

class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: "string" },
        "secret-env": { type: "string" },
        stack: { type: "string" },
        webhook: { type: "string" },
        connect: { type: "string" },
        project: { type: "string" },
        data: { type: "string" },
        "timeout-ms": { type: "string" },
        appwrite: { type: "string" },
        help: { type: "boolean" },
      },
    });
  } catch (error) {
    // parseArgs names the unknown flag, never its value: a key passed as `--secret abc` stays out.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

type Options = ReturnType<typeof parse>["values"];

function extraFields(data: string | undefined): Record<string, unknown> {
  if (data === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new UsageError('--data must be a JSON object, for example \'{"title":"Hello"}\'');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new UsageError('--data must be a JSON object, for example \'{"title":"Hello"}\'');
  return parsed as Record<string, unknown>;
}

function release(value: string): AppwriteRelease {
  if (!isAppwriteRelease(value))
    throw new UsageError(`--appwrite must be one of ${APPWRITE_RELEASES.join(", ")}`);
  return value;
}

function timeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0) throw new UsageError("--timeout-ms must be a positive whole number");
  return ms;
}

/** The webhook to deliver for: from the stack, or from the flags and the environment. */
async function targetOf(values: Options, io: TriggerIo): Promise<TestEventTarget> {
  const fromEnv = values["secret-env"];
  const fromStack = values.stack !== undefined || values.webhook !== undefined;
  if ((fromEnv === undefined) === !fromStack)
    throw new UsageError(
      "give the key's source: either --secret-env <VAR>, or --stack <stack> --webhook <key>",
    );
  const common = {
    ...(values.connect === undefined ? {} : { connect: values.connect }),
    ...(values.project === undefined ? {} : { projectId: values.project }),
    ...(values["timeout-ms"] === undefined ? {} : { timeoutMs: timeout(values["timeout-ms"]) }),
    ...(values.appwrite === undefined ? {} : { appwrite: release(values.appwrite) }),
  };
  if (fromEnv !== undefined) {
    if (values.url === undefined) throw new UsageError("--url is required with --secret-env");
    const secret = io.env[fromEnv] ?? "";
    if (secret.trim() === "") throw new UsageError(`the environment variable ${fromEnv} is empty or unset`);
    return { url: values.url, secret, ...common };
  }
  if (values.stack === undefined || values.webhook === undefined)
    throw new UsageError("--stack and --webhook go together: the stack, and the webhook's key in it");
  if (!io.readStackWebhook) throw new UsageError("reading a stack is not available here");
  const webhook = await io.readStackWebhook(values.stack, values.webhook);
  return {
    url: values.url ?? webhook.url,
    secret: webhook.secret,
    projectId: webhook.projectId,
    webhookId: webhook.webhookId,
    webhookName: webhook.name,
    tls: webhook.tls,
    ...(webhook.authUsername && webhook.authPassword
      ? { authUsername: webhook.authUsername, authPassword: webhook.authPassword }
      : {}),
    ...common,
  };
}

/** The start of the answer, on one line, with the key blanked should the receiver echo it. */
function answerPreview(answer: string, secret: string): string {
  const bytes = Buffer.from(answer, "utf8");
  const head = bytes
    .subarray(0, ANSWER_PREVIEW_BYTES)
    .toString("utf8")
    .replace(/\uFFFD$/, "");
  const shown = secret === "" ? head : head.split(secret).join("[key]");
  // One line: an answer's line breaks are shown as \n.
  return shown.replace(/\r?\n/g, "\\n") + (bytes.length > ANSWER_PREVIEW_BYTES ? "…" : "");
}

/** Runs the command; resolves to the exit code (0 for a 2xx answer). */
export async function runTrigger(argv: string[], io: TriggerIo = processIo): Promise<number> {
  let secret = "";
  try {
    const { values, positionals } = parse(argv);
    if (values.help) {
      io.stdout(`${TRIGGER_USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError("give exactly one event, for example users.*.create");
    const target = await targetOf(values, io);
    secret = target.secret;
    const result = await sendTestEvent(positionals[0] as string, target, extraFields(values.data));
    io.stdout(
      `${result.event.event} (${result.event.model}, ${result.events.length} event names) -> ${target.url}\n`,
    );
    if (result.status === null) {
      io.stderr(`no answer from the receiver: ${result.error ?? "unknown error"}\n`);
      return 1;
    }
    io.stdout(`${result.status} ${answerPreview(result.responseBody, secret)}\n`);
    return result.status >= 200 && result.status < 300 ? 0 : 1;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const safe = secret === "" ? message : message.split(secret).join("[key]");
    if (error instanceof UsageError) {
      io.stderr(`trigger: ${safe}\n${TRIGGER_USAGE}\n`);
      return 2;
    }
    io.stderr(`trigger: ${safe}\n`);
    return error instanceof EventNameError ? 2 : 1;
  }
}
