/**
 * What create and update would produce, for a preview, without a request. The engine calls a
 * provider's create and update during `pulumi preview` (and the preview phase of `pulumi up`)
 * whenever the provider says it supports previews, and expects the outputs the step would
 * yield: what is certain from the inputs and the state, and Pulumi's unknown for what only the
 * server can tell. Nothing here calls the API: a preview that wrote would change production
 * from a pull request's CI job, and `up` would send every change twice.
 *
 * The rules for which requests a step makes are lifecycle's (the same helpers diff uses), so a
 * prediction can never disagree with the step it predicts.
 */
import {
  UNKNOWN,
  changedWebhookFields,
  secretChangeRequested,
  type CreateResult,
  type UpdateResult,
} from "./steps";
import { stateBeforeRequests } from "./update";
import type { WebhookInputs, WebhookState } from "./schema";
import { compact } from "./state";

type Raw = Record<string, unknown>;

/**
 * Fields the server sets on every write (a PUT or a key PATCH), which no input decides.
 * `createdAt` is not among them: only a create sets it.
 */
const WRITTEN_BY_SERVER = { updatedAt: UNKNOWN, attempts: UNKNOWN, logs: UNKNOWN } as const;

/**
 * Create's outputs: the declared inputs, and unknown for what the server or a takeover decides.
 * The webhook ID is known once check has fixed it (declared or derived), so the preview shows the
 * ID that `up` creates. A declared key is the key `up` sets; otherwise the server or the provider
 * draws one. `secretRotatedAt` is unknown because a create that meets its own webhook (an
 * interrupted run, a forced replace) takes it over and rotates its key; `previousSecret` is never
 * set by a create.
 */
export function predictCreate(inputs: WebhookInputs & Raw): CreateResult {
  const outs = compact({
    ...inputs,
    // Only create needs it (to recognise its own webhook); outputs do not carry it.
    resourceHash: undefined,
    secret: inputs.secret ?? UNKNOWN,
    secretSource: inputs.secret === undefined ? "appwrite" : "user",
    secretRotatedAt: UNKNOWN,
    createdAt: UNKNOWN,
    ...WRITTEN_BY_SERVER,
  }) as unknown as WebhookState;
  // An ID that is not known yet (its endpoint or project is another resource's output) is "" on
  // the wire: the engine takes an empty ID in a preview as "not known yet".
  return { id: inputs.webhookId === UNKNOWN ? "" : inputs.webhookId, outs };
}

/**
 * Update's outputs: every input from the new declaration, computed fields from the old state
 * (as update builds them). A PUT, a key PATCH or a new endpoint makes the server's own fields unknown; a
 * rotation makes the key, the key it replaces and the rotation time unknown, except that a
 * declared key is the key `up` sets.
 */
export function predictUpdate(olds: WebhookState, news: WebhookInputs & Raw): UpdateResult {
  const put = changedWebhookFields(olds, news).length > 0;
  const rotate = secretChangeRequested(olds, news);
  // A new endpoint may reach another server, where update creates the webhook anew (with the key
  // it has): only a request could tell, so what the server sets is unknown, its creation time too.
  const moved = olds.endpoint !== news.endpoint;
  const outs = compact({
    ...stateBeforeRequests(olds, news),
    ...(put || rotate || moved ? WRITTEN_BY_SERVER : {}),
    ...(moved ? { createdAt: UNKNOWN } : {}),
    ...(rotate
      ? {
          secret: news.secret ?? UNKNOWN,
          secretSource: news.secret === undefined ? "appwrite" : "user",
          previousSecret: UNKNOWN,
          secretRotatedAt: UNKNOWN,
        }
      : {}),
  }) as unknown as WebhookState;
  return { outs };
}
