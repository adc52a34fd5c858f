/**
 * The Webhook lifecycle as plain async functions on plain data: diff, create, read, update,
 * delete (check, which loads the argument schema, is ./check). No Pulumi Outputs reach this
 * file, and no HTTP either: calls go through the client. The serialized shim loads this module
 * at run time in the provider process.
 */
import { AppwriteClient, type AppwriteWebhook } from "../appwrite/client";
import { invalidateProject, readWebhook } from "../appwrite/batched-reads";
import {
  MissingConnectionSettingError,
  resolveConnection,
  setStackConfig,
  type Connection,
  type StackConfig,
} from "../appwrite/config";
import { AppwriteApiError, ResourceInitError } from "../appwrite/errors";
import type { WebhookInputs, WebhookState } from "./schema";
import {
  IDENTITY_FIELDS,
  INPUT_KEYS,
  WEBHOOK_FIELDS,
  compact,
  hasBody,
  hasDerivedId,
  importedState,
  inputsFromState,
  isOwnWebhook,
  sameEvents,
  toBody,
  toState,
  withLiveFields,
  type SecretFacts,
} from "./state";

/** The value Pulumi passes for an input that is not known yet during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const isUnknown = (value: unknown): boolean => value === UNKNOWN;

/** The serialized provider's own key; carried through so partial failures keep it in state. */
export const PROVIDER_KEY = "__provider";

type Raw = Record<string, unknown>;

/**
 * The provider's settings, already read from the door's own config namespace (`appwrite:` for
 * the dynamic door, `appwrite-webhooks:` for the plugin); `namespace` only shapes messages.
 */
export function configure(settings: StackConfig, namespace?: string): void {
  setStackConfig(settings, namespace);
}

/** What happened to one property path, as Pulumi's detailed diff names it. */
export type PropertyChange =
  "add" | "delete" | "update" | "add-replace" | "delete-replace" | "update-replace";

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** The top-level inputs that changed, so the preview's summary names them (`~authPassword`). */
  diffs: string[];
  /**
   * What changed, by property path (`authPassword`, `events[2]`). Only the kind of change is
   * given: the engine shows the values from state and inputs, masking secrets, so a change to a
   * secret alone is named without showing it. Events are a set: an added event is an add at its
   * new index, a removed one a delete at its old index, and a reorder no change at all.
   */
  detailedDiff: Record<string, PropertyChange>;
}

function differs(before: unknown, after: unknown): boolean {
  return isUnknown(after) || JSON.stringify(before) !== JSON.stringify(after);
}

/** Why a new signing key is due: a key state does not hold, a new declared secret, a new trigger. */
function secretChangeReasons(olds: WebhookState, news: WebhookInputs) {
  return {
    // An empty key in state means a partial failure left it unknown: the next `up` must set one.
    // After `pulumi import` it is unknown too, but in force: only an explicit request replaces it,
    // or a plain `up` would break every receiver of a production webhook.
    keyMissing: !olds.secret && olds.secretSource !== "unknown",
    newSecret: news.secret !== undefined && differs(olds.secret, news.secret),
    newTrigger: news.rotationTrigger !== undefined && differs(olds.rotationTrigger, news.rotationTrigger),
  };
}

/** True when the declared secret or the rotation trigger asks for a new signing key. */
export function secretChangeRequested(olds: WebhookState, news: WebhookInputs): boolean {
  const { keyMissing, newSecret, newTrigger } = secretChangeReasons(olds, news);
  return keyMissing || newSecret || newTrigger;
}

/** The stored fields the declaration changes: any of them means a PUT. */
export function changedWebhookFields(
  olds: WebhookState,
  news: WebhookInputs,
): (typeof WEBHOOK_FIELDS)[number][] {
  return WEBHOOK_FIELDS.filter((field) =>
    field === "events"
      ? isUnknown(news.events) ||
        (Array.isArray(news.events) && news.events.some(isUnknown)) ||
        !sameEvents(olds.events, news.events)
      : differs(olds[field], news[field]),
  );
}

/** Add, delete or update, from whether the property is present before and after. */
function changeKind(before: unknown, after: unknown): "add" | "delete" | "update" {
  if (before === undefined || before === "") return "add";
  return after === undefined ? "delete" : "update";
}

/**
 * The events that changed as a set: each removed event at its old index, each added one at its
 * new index. Where a removal and an addition share an index, that index is an update (old value
 * to new value), which says the same. An events list not known yet is one update of `events`.
 */
function eventChanges(olds: WebhookState, news: WebhookInputs): Record<string, PropertyChange> {
  const before = olds.events;
  const after = news.events;
  if (!Array.isArray(before) || !Array.isArray(after) || after.some(isUnknown)) return { events: "update" };
  const kept = { before: new Set(after), after: new Set(before) };
  const changes: Record<string, PropertyChange> = {};
  before.forEach((event, index) => {
    if (!kept.before.has(event)) changes[`events[${index}]`] = "delete";
  });
  after.forEach((event, index) => {
    if (kept.after.has(event)) return;
    const path = `events[${index}]`;
    changes[path] = changes[path] === "delete" ? "update" : "add";
  });
  return changes;
}

/**
 * Explicit diff over declared fields only. Computed fields (attempts, logs, timestamps) and
 * `__provider` never cause a change; `changes: false` is returned rather than undefined, which
 * the engine would read as "unknown" and diff itself, `__provider` included.
 */
export function diff(_id: string, olds: WebhookState, news: WebhookInputs): DiffResult {
  const replaces = IDENTITY_FIELDS.filter((field) => differs(olds[field], news[field]));
  const webhookFields = changedWebhookFields(olds, news);
  // No API call for these, but state must carry the key delete will use, the validation mode,
  // and whether delete leaves the webhook in place (adopted). A new endpoint is an update too:
  // the same server under another address costs one read, and another server gets the webhook
  // moved to it (see `update`).
  const stateOnly = (["endpoint", "apiKey", "eventValidation", "rotationTrigger", "adopt"] as const).filter(
    (field) => differs(olds[field], news[field]),
  );
  const secretRequested = secretChangeRequested(olds, news);
  const updates = [...webhookFields, ...(secretRequested ? ["secret"] : []), ...stateOnly];

  const detailedDiff: Record<string, PropertyChange> = {};
  for (const field of replaces) detailedDiff[field] = `${changeKind(olds[field], news[field])}-replace`;
  for (const field of [...webhookFields, ...stateOnly]) {
    if (field === "events") Object.assign(detailedDiff, eventChanges(olds, news));
    else detailedDiff[field] = changeKind(olds[field], news[field]);
  }
  // A new key is named where it comes from: a changed rotationTrigger is listed already; a changed
  // declared secret, or a key state does not hold (after a partial failure), is the secret itself.
  const { keyMissing, newSecret } = secretChangeReasons(olds, news);
  if (keyMissing || newSecret) detailedDiff.secret = olds.secret ? "update" : "add";
  return {
    changes: replaces.length > 0 || updates.length > 0,
    replaces,
    // Webhook IDs are unique across an Appwrite server: moving the same ID to another project,
    // on the same server or (an endpoint that changed too) perhaps the same one under another
    // address, must delete the old webhook first, or the create fails with 409.
    deleteBeforeReplace: replaces.length > 0 && news.webhookId === olds.webhookId,
    diffs: [...new Set([...replaces, ...Object.keys(detailedDiff).map((path) => path.replace(/\[.*$/, ""))])],
    detailedDiff,
  };
}

function connect(target: Partial<WebhookInputs>): { client: AppwriteClient; connection: Connection } {
  const connection = resolveConnection({
    endpoint: target.endpoint,
    projectId: target.projectId,
    apiKey: target.apiKey,
  });
  const client = new AppwriteClient(connection, {
    secrets: [target.secret, target.authPassword].filter((s): s is string => typeof s === "string"),
    onRetry: (message) => console.error(`pulumi-appwrite-webhooks: ${message}`),
  });
  return { client, connection };
}

/** A client for a step that writes: cached lists of the project are dropped first. */
function clientFor(target: Partial<WebhookInputs>): { client: AppwriteClient; connection: Connection } {
  const connected = connect(target);
  invalidateProject(connected.connection);
  return connected;
}

/**
 * Webhooks that a create in this provider process took over (adopted, or found as its own from
 * an interrupted run), by server and ID: each now belongs to the resource that took it over.
 * A replace that creates before it deletes (`pulumi up --replace`, a tainted resource) checks
 * the new resource afresh, so it derives (or declares) the ID it already has, meets its own
 * webhook, and takes it over; the old resource's delete of that ID then comes in the same deployment, through the
 * same provider process, and must leave the webhook to its replacement. So does the delete of a
 * renamed resource whose successor adopted its webhook. Webhook IDs are unique per server, hence
 * the endpoint in the key.
 */
const takenOver = new Set<string>();
const ownerKey = (connection: Connection, id: string): string => JSON.stringify([connection.endpoint, id]);

const now = (): string => new Date().toISOString();

export interface CreateResult {
  id: string;
  outs: WebhookState;
}

export async function create(inputs: WebhookInputs & Raw): Promise<CreateResult> {
  const { client, connection } = clientFor(inputs);
  const id = inputs.webhookId;
  let created: AppwriteWebhook;
  let recovered: boolean;
  try {
    const outcome = await client.create(id, toBody(inputs), inputs.secret);
    created = outcome.webhook;
    recovered = outcome.recoveredAfterLostResponse;
  } catch (error) {
    if (error instanceof AppwriteApiError && error.type === "webhook_already_exists") {
      const existing = await client.find(id);
      if (existing && inputs.adopt) {
        console.error(
          `pulumi-appwrite-webhooks: adopting existing webhook ${id}; its signing key is ` +
            (inputs.secret ? "set to the declared secret" : "rotated") +
            ". Receivers need the new key (see the secret output).",
        );
        return takeOver(client, connection, inputs, existing, "adopted");
      }
      if (existing && isOwnWebhook(inputs, existing)) {
        // No key or password in this line: only the ID and why it is taken (see isOwnWebhook).
        console.error(
          `pulumi-appwrite-webhooks: webhook ${id} already exists ` +
            (hasDerivedId(inputs)
              ? "under this resource's derived ID with its declared name, URL and events"
              : "under its declared ID with the declared name, URL and events; Appwrite webhooks carry " +
                "no owner, so that webhook is taken as this declaration's") +
            " (left by a run that did not record it, or the webhook this resource replaces); " +
            "taking it over and setting its signing key",
        );
        return takeOver(client, connection, inputs, existing, "this resource's own");
      }
      throw alreadyExistsError(inputs, existing);
    }
    throw error;
  }
  if (!recovered) {
    const secret: SecretFacts = { secret: created.secret, secretSource: inputs.secret ? "user" : "appwrite" };
    return { id, outs: toState(inputs, created, secret) };
  }
  // The POST was written but its answer, with the only copy of a generated key, was lost.
  // Make state certain: send the desired state again and set the key we will record.
  return converge(client, inputs, created, "the create request's answer was lost");
}

/** Makes an existing webhook this resource's, recorded so that a delete in this run leaves it alone. */
function takeOver(
  client: AppwriteClient,
  connection: Connection,
  inputs: WebhookInputs & Raw,
  existing: AppwriteWebhook,
  why: string,
): Promise<CreateResult> {
  takenOver.add(ownerKey(connection, inputs.webhookId));
  return converge(client, inputs, existing, why);
}

/**
 * Brings an existing webhook to the declared state and makes its key known: the declared
 * secret, or a fresh server-generated one. Any failure after this point still records the
 * webhook in state (Pulumi's partial-failure shape), so nothing is orphaned.
 */
async function converge(
  client: AppwriteClient,
  inputs: WebhookInputs & Raw,
  existing: AppwriteWebhook,
  why: string,
): Promise<CreateResult> {
  const id = inputs.webhookId;
  let current = existing;
  try {
    // A webhook left by a killed run usually has the declared state already: no PUT then.
    const body = toBody(inputs);
    if (!hasBody(existing, body)) current = await client.update(id, body);
    const rotated = await client.updateSecret(id, inputs.secret);
    const secret: SecretFacts = {
      secret: rotated.secret,
      secretSource: inputs.secret ? "user" : "appwrite",
      secretRotatedAt: now(),
    };
    return { id, outs: toState(inputs, rotated, secret) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const properties = {
      ...toState(inputs, current, { secret: "", secretSource: "appwrite" }),
      [PROVIDER_KEY]: inputs[PROVIDER_KEY],
    };
    throw new ResourceInitError(
      `webhook ${id} exists (${why}) but its signing key could not be set: ${reason}. ` +
        "It is recorded in state; run `pulumi up` again to finish (the key will be rotated).",
      id,
      properties,
    );
  }
}

/** `existing` is the webhook under that ID in this project, if any (a 409 without one: another project has it). */
function alreadyExistsError(inputs: WebhookInputs, existing: AppwriteWebhook | undefined): Error {
  const ours = existing !== undefined;
  return new Error(
    ours
      ? `webhook ${inputs.webhookId} already exists in project ${inputs.projectId}. To manage it with Pulumi, ` +
          "set `adopt: true` on this Webhook (its signing key is then replaced by the declared `secret` or a new one), " +
          "or choose another webhookId."
      : `webhook ID ${inputs.webhookId} is taken by a webhook of another project on this server ` +
          "(Appwrite webhook IDs are unique per server). Choose another webhookId, or omit it to let the provider pick one.",
  );
}

const isStoredState = (props: WebhookState | Record<string, never>): props is WebhookState =>
  props.webhookId !== undefined;

export interface ReadResult {
  id: string;
  props?: WebhookState;
  inputs?: Partial<WebhookInputs>;
}

/**
 * Refresh: the live fields from the server and, since the API returns the secret as "", the
 * key kept from state. A webhook that is gone returns an empty ID, so refresh drops it.
 */
export async function read(id: string, props: WebhookState | Record<string, never>): Promise<ReadResult> {
  const { client, connection } = connect(props);
  const live = await readWebhook(client, connection, id);
  if (!live) return { id: "" };
  // `pulumi import` reads with only an ID: the target is the provider's configured one.
  const state = isStoredState(props) ? withLiveFields(props, live) : importedState(connection, live);
  return { id, props: state, inputs: inputsFromState(state) };
}

export interface UpdateResult {
  outs: WebhookState;
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
    if (moved) return moved;
  }
  const { client } = clientFor(news);
  // Computed fields come from the old state, every input from the new one, so an optional
  // input the program dropped leaves state too. The key in force is still the old one.
  const computed = Object.fromEntries(
    Object.entries(olds).filter(([key]) => !(INPUT_KEYS as readonly string[]).includes(key)),
  );
  let state = compact({
    ...computed,
    ...news,
    secret: olds.secret,
    secretSource: olds.secretSource,
  }) as WebhookState;
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
          secretRotatedAt: sameKey ? olds.secretRotatedAt : now(),
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

/**
 * A new endpoint for the webhook in state. An endpoint is an address, not an identity, and the
 * webhook itself tells which server the new address reaches: under its ID, the `$createdAt`
 * that state recorded means the same webhook, so the same server, and the update goes on as any
 * other (undefined is returned). Anything else means another server, or a webhook deleted or
 * replaced outside Pulumi: the webhook is created at the new address as `create` would (a 409
 * is taken over only under create's own rules), with the key receivers already hold unless a
 * new one was asked for, and only then is the old address's copy deleted, if that address still
 * shows the webhook state recorded and not the one just made.
 */
async function followEndpoint(
  id: string,
  olds: WebhookState,
  news: WebhookInputs & Raw,
): Promise<UpdateResult | undefined> {
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
    secretRotatedAt: keptKey ? olds.secretRotatedAt : now(),
  }) as WebhookState;
  await removeFromOldAddress(id, olds, state.createdAt);
  return { outs: state };
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

/**
 * DELETE; a webhook that is already gone counts as deleted. One that a create of this run took
 * over belongs to that create's resource: this delete is of the state entry it replaced. An
 * adopted webhook (`adopt: true`) existed before Pulumi managed it, and a destroy leaves it in
 * place, as `pulumi import`'s protection keeps an imported one: removing `adopt` first hands
 * its deletion to Pulumi.
 */
export async function remove(id: string, props: WebhookState): Promise<void> {
  const { client, connection } = clientFor(props);
  if (takenOver.delete(ownerKey(connection, id))) {
    console.error(
      `pulumi-appwrite-webhooks: webhook ${id} was taken over by its replacement in this run; leaving it in place`,
    );
    return;
  }
  if (props.adopt === true) {
    console.error(
      `pulumi-appwrite-webhooks: webhook ${id} is adopted (\`adopt: true\`), so it is left in place on the server ` +
        "and only leaves state; remove `adopt` and run `pulumi up` first to have Pulumi delete it",
    );
    return;
  }
  await client.delete(id);
}

export { MissingConnectionSettingError };
