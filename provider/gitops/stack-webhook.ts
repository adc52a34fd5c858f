/**
 * One webhook of a stack, signing key included, as `trigger --stack <stack> --webhook <key>`
 * reads it: from `pulumi stack export --show-secrets`, run in the current directory like any
 * `pulumi` command of the project. This side owns it because it knows where its resources keep
 * their keys: a `Webhook` (either door) in its outputs, a `WebhookSet` in maps by entry key. The
 * `<key>` is the resource's name, its webhook ID, or a set's entry key (a declaration file's
 * `id`, for `defineWebhooks` in either shape).
 *
 * The key travels only through the child's stdout pipe: no argument and no environment value of
 * the child holds it, and no error here quotes state.
 */
import { execFile } from "node:child_process";

/** What `trigger` needs of the webhook (the emulator's `StackWebhook`, structurally). */
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

interface ExportedResource {
  urn: string;
  type: string;
  outputs?: Record<string, unknown>;
}

/** The types both doors give a webhook and a set (`pulumi-nodejs:dynamic/appwrite:Webhook`, `appwrite-webhooks:index:Webhook`…). */
const TYPE = /^(pulumi-nodejs:dynamic[^:]*|appwrite-webhooks:[^:]*):(Webhook|WebhookSet)$/;
/** A stack export is a few kilobytes per webhook; this leaves room for tens of thousands. */
const EXPORT_MAX_BYTES = 256 * 1024 * 1024;

/** A secret output as `pulumi stack export --show-secrets` writes it: its value as JSON text in `plaintext`. */
function revealed(value: unknown): unknown {
  if (typeof value === "object" && value !== null && "plaintext" in value) {
    return JSON.parse(String((value as { plaintext: unknown }).plaintext)) as unknown;
  }
  return value;
}

const text = (value: unknown): string => {
  const plain = revealed(value);
  return typeof plain === "string" ? plain : "";
};

function entryOf(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

const map = (outputs: Record<string, unknown>, name: string): Record<string, unknown> => {
  const value = revealed(outputs[name]);
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
};

/** The webhooks in one exported resource that answer to `key`, with where each was found. */
function matches(resource: ExportedResource, key: string): Array<{ where: string; webhook: StackWebhook }> {
  const kind = TYPE.exec(resource.type)?.[2];
  const outputs = resource.outputs ?? {};
  const name = resource.urn.split("::").at(-1) ?? "";
  if (kind === "Webhook") {
    if (name !== key && text(outputs.webhookId) !== key) return [];
    const webhook: StackWebhook = {
      url: text(outputs.url),
      secret: text(outputs.secret),
      projectId: text(outputs.projectId),
      webhookId: text(outputs.webhookId),
      name: text(outputs.name),
      tls: revealed(outputs.tls) !== false,
      authUsername: text(outputs.authUsername),
      authPassword: text(outputs.authPassword),
    };
    return [{ where: resource.urn, webhook }];
  }
  if (kind !== "WebhookSet") return [];
  const entries = map(outputs, "webhooks");
  const ids = map(outputs, "webhookIds");
  const entryKey = Object.hasOwn(entries, key) ? key : Object.keys(ids).find((k) => ids[k] === key);
  const entry = entryKey === undefined ? undefined : entryOf(entries, entryKey);
  if (entryKey === undefined || typeof entry !== "object" || entry === null) return [];
  const fields = entry as Record<string, unknown>;
  const webhook: StackWebhook = {
    url: text(fields.url),
    secret: text(entryOf(map(outputs, "secrets"), entryKey)),
    projectId: text(outputs.projectId),
    webhookId: text(entryOf(ids, entryKey)),
    name: text(fields.name),
    tls: fields.tls !== false,
    authUsername: text(fields.authUsername),
    authPassword: text(entryOf(map(outputs, "authPasswords"), entryKey)),
  };
  return [{ where: `${resource.urn} entry ${entryKey}`, webhook }];
}

/** Picks the webhook `key` names among a stack export's resources (the JSON `pulumi stack export` prints). */
export function webhookFromExport(exported: unknown, stack: string, key: string): StackWebhook {
  const resources =
    (exported as { deployment?: { resources?: ExportedResource[] } } | null)?.deployment?.resources ?? [];
  const found = resources.flatMap((resource) => matches(resource, key));
  if (found.length === 0) {
    const known = resources.flatMap((resource) => {
      if (!TYPE.test(resource.type)) return [];
      const webhooks = map(resource.outputs ?? {}, "webhooks");
      return resource.type.endsWith(":WebhookSet")
        ? Object.keys(webhooks)
        : [resource.urn.split("::").at(-1) ?? ""];
    });
    throw new Error(
      `stack ${stack} has no webhook named ${key}` +
        (known.length > 0 ? ` (its webhooks: ${known.join(", ")})` : " (it holds no Webhook or WebhookSet)"),
    );
  }
  if (found.length > 1) {
    throw new Error(
      `more than one webhook of stack ${stack} answers to ${key}: ${found.map((f) => f.where).join("; ")}`,
    );
  }
  const { webhook } = found[0] as { webhook: StackWebhook };
  if (webhook.secret === "")
    throw new Error(`the webhook ${key} of stack ${stack} has no signing key in state`);
  return webhook;
}

/** Runs `pulumi stack export --show-secrets --stack <stack>` in the current directory and picks `key`. */
export async function webhookFromStack(stack: string, key: string): Promise<StackWebhook> {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      "pulumi",
      ["stack", "export", "--show-secrets", "--stack", stack],
      { maxBuffer: EXPORT_MAX_BYTES, encoding: "utf8" },
      (error, out, err) => {
        if (error) {
          // pulumi's own message (stack not found, not logged in) names no secret; its stdout is not shown.
          const why =
            (error as NodeJS.ErrnoException).code === "ENOENT" ? "pulumi is not on PATH" : err.trim();
          reject(new Error(`pulumi stack export --stack ${stack} failed: ${why || error.message}`));
          return;
        }
        resolve(out);
      },
    );
  });
  let exported: unknown;
  try {
    exported = JSON.parse(stdout);
  } catch {
    throw new Error(`pulumi stack export --stack ${stack} printed something other than JSON`);
  }
  return webhookFromExport(exported, stack, key);
}
