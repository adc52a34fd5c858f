/**
 * An update whose endpoint changed: the same server under another address, or the webhook moved
 * to another server, told apart by the webhook itself. Apart from ./update because a move is a
 * create at the new address and a delete at the old one, with their own rules.
 */
import { clientFor } from "./connect";
import { create } from "./create";
import { secretChangeRequested } from "./diff";
import type { WebhookInputs, WebhookState } from "./schema";
import { compact, rotationTimestamp } from "./state";

type Raw = Record<string, unknown>;

/**
 * A new endpoint for the webhook in state. An endpoint is an address, not an identity, and the
 * webhook itself tells which server the new address reaches: under its ID, the `$createdAt`
 * that state recorded means the same webhook, so the same server, and the update goes on as any
 * other (undefined is returned). Anything else means another server, or a webhook deleted or
 * replaced outside Pulumi: the webhook is created at the new address as `create` would (a 409
 * is taken over only under create's own rules), with the key receivers already hold unless a
 * new one was asked for, and only then is the old address's copy deleted, if that address still
 * shows the webhook state recorded and not the one just made; the state after the move is
 * returned.
 */
export async function followEndpoint(
  id: string,
  olds: WebhookState,
  news: WebhookInputs & Raw,
): Promise<WebhookState | undefined> {
  const live = await clientFor(news).client.find(id);
  if (live && live.$createdAt === olds.createdAt) return undefined;

  const rotate = secretChangeRequested(olds, news);
  // An unknown key ("" after a partial failure or an import) is not carried: a new one is set.
  const carried = rotate ? news.secret : (news.secret ?? (olds.secret || undefined));
  console.error(
    `pulumi-appwrite-webhooks: webhook ${id} is not at ${news.endpoint} as recorded; ` +
      `creating it there${carried !== undefined && !rotate ? " with the key it has" : ""}, then removing it from ${olds.endpoint}`,
  );
  const { outs } = await create({ ...news, ...(carried === undefined ? {} : { secret: carried }) });
  const keptKey = !rotate && olds.secret !== "" && outs.secret === olds.secret;
  const state = compact({
    ...outs,
    secretSource: keptKey ? olds.secretSource : outs.secretSource,
    previousSecret: keptKey ? olds.previousSecret : olds.secret || olds.previousSecret,
    secretRotatedAt: keptKey ? olds.secretRotatedAt : rotationTimestamp(),
  }) as WebhookState;
  await removeFromOldAddress(id, olds, state.createdAt);
  return state;
}

/**
 * Deletes the old address's copy of a webhook that now lives elsewhere, and only that: when the
 * old address shows the webhook just made (one server, two addresses), a webhook state never
 * recorded, or cannot be reached, nothing is deleted and the operator is told.
 */
async function removeFromOldAddress(id: string, olds: WebhookState, movedCreatedAt: string): Promise<void> {
  const warn = (what: string) =>
    console.error(`pulumi-appwrite-webhooks: webhook ${id} now lives at its new endpoint; ${what}`);
  try {
    const { client } = clientFor(olds);
    const old = await client.find(id);
    if (!old || old.$createdAt === movedCreatedAt) return;
    if (old.$createdAt !== olds.createdAt) {
      warn(
        `the webhook under its ID at ${olds.endpoint} is not the one state recorded, so it was left there`,
      );
      return;
    }
    await client.delete(id);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    warn(`its copy at ${olds.endpoint} could not be deleted (${reason}); delete it there by hand`);
  }
}
