/**
 * `update`: the declared state sent in full, then a new signing key when one is asked for, with
 * the key it replaces kept for the receivers' rotation window. A new endpoint is followed first
 * (./endpoint-move).
 */
import { AppwriteApiError, ResourceInitError } from "../appwrite/errors";
import { clientFor } from "./connect";
import { changedWebhookFields, secretChangeRequested } from "./diff";
import { followEndpoint } from "./endpoint-move";
import { PROVIDER_KEY } from "./engine-values";
import type { WebhookInputs, WebhookState } from "./schema";
import { INPUT_KEYS, compact, rotationTimestamp, toBody, withLiveFields } from "./state";

type Raw = Record<string, unknown>;

export interface UpdateResult {
  outs: WebhookState;
}

/**
 * The updated state before any request: computed fields from the old state, every input from the
 * new one, so an optional input the program dropped leaves state too. The key in force is still
 * the old one. A preview predicts from the same starting point (./preview).
 */
export function stateBeforeRequests(olds: WebhookState, news: WebhookInputs & Raw): WebhookState {
  const computed = Object.fromEntries(
    Object.entries(olds).filter(([key]) => !(INPUT_KEYS as readonly string[]).includes(key)),
  );
  return compact({
    ...computed,
    ...news,
    secret: olds.secret,
    secretSource: olds.secretSource,
  }) as WebhookState;
}

/**
 * PUT the full desired state (PUT resets omitted fields), only when a stored field changed, so
 * that a key rotation alone does not reset `attempts`. Then PATCH the secret when asked, and
 * keep the key it replaces as `previousSecret` for the receivers' rotation window.
 */
export async function update(
  id: string,
  olds: WebhookState,
  news: WebhookInputs & Raw,
): Promise<UpdateResult> {
  if (olds.endpoint !== news.endpoint) {
    const moved = await followEndpoint(id, olds, news);
    if (moved) return { outs: moved };
  }
  const { client } = clientFor(news);
  let state = stateBeforeRequests(olds, news);
  if (changedWebhookFields(olds, news).length > 0) {
    try {
      state = withLiveFields(state, await client.update(id, toBody(news)));
    } catch (error) {
      if (error instanceof AppwriteApiError && error.type === "webhook_not_found") {
        throw new Error(
          `webhook ${id} was deleted outside Pulumi. Run \`pulumi refresh\` to drop it from state, then \`pulumi up\` to create it again.`,
        );
      }
      throw error;
    }
  }
  if (!secretChangeRequested(olds, news)) return { outs: state };
  // A declared key is always the one set, also when only the trigger changed: that re-applies it
  // over a key changed outside Pulumi, where a generated one would be put back by the next update.
  const userSecret = news.secret;
  // Re-applying the key state already holds rotates nothing: the rotation window stays as it was.
  const sameKey = userSecret !== undefined && userSecret === olds.secret;
  try {
    const rotated = await client.updateSecret(id, userSecret);
    return {
      outs: withLiveFields(
        {
          ...state,
          secret: rotated.secret,
          secretSource: userSecret === undefined ? "appwrite" : "user",
          // An unknown key (after a partial failure) is no previous key.
          previousSecret: sameKey ? olds.previousSecret : olds.secret || olds.previousSecret,
          secretRotatedAt: sameKey ? olds.secretRotatedAt : rotationTimestamp(),
        },
        rotated,
      ),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // The PUT may have applied; record it with the key state last knew to be in force. When the
    // answer was lost (reset, timeout, 5xx), the new key may be in force instead: the message says
    // so, because deliveries then fail verification until the next `up` sets a key again.
    throw new ResourceInitError(
      `the signing key of webhook ${id} could not be changed: ${reason}. ` +
        "State keeps the previous key and rotation trigger, so the next `pulumi up` sets a new key; " +
        "if the answer was lost rather than refused, the new key may already be in force until then.",
      id,
      {
        ...state,
        // Keep the old trigger so the next `up` asks for the rotation again.
        rotationTrigger: olds.rotationTrigger,
        [PROVIDER_KEY]: news[PROVIDER_KEY],
      },
    );
  }
}
