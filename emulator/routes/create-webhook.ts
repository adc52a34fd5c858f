/** POST /v1/webhooks (Create.php): 201 with the model, secret included. */
import { AppwriteError } from "../http/appwrite-errors";
import { generateSecret, uniqueId } from "../state/ids";
import { boolArg, nullableStringArg, stringArg } from "../http/param-binding";
import { CustomIdValidator, NullableValidator, TextValidator } from "../validators/param-validators";
import { eventsParam, nameParam, optionalWebhookParams, urlParam } from "./params-common";
import { assertFitsColumns, eventsArg, webhookResponse, type RouteDefinition } from "./route";

export const createWebhook: RouteDefinition = {
  method: "POST",
  path: "/v1/webhooks",
  alias: "/v1/projects/:projectId/webhooks",
  counterKey: "POST /v1/webhooks",
  scope: "webhooks.write",
  requestModel: "webhooks.create",
  params: ({ appEnv, events }) => [
    { name: "webhookId", optional: false, default: "", validator: new CustomIdValidator() },
    urlParam(appEnv),
    nameParam(),
    eventsParam(events),
    ...optionalWebhookParams(),
    {
      name: "secret",
      optional: true,
      default: null,
      validator: new NullableValidator(new TextValidator(256, 8)),
    },
  ],
  action({ store, project, format }, args) {
    // Typed arguments first: a null that skipped validation fails here, as PHP's TypeError would.
    const requestedId = stringArg(args, "webhookId");
    const fields = {
      name: stringArg(args, "name"),
      url: stringArg(args, "url"),
      tls: boolArg(args, "tls"),
      authUsername: stringArg(args, "authUsername"),
      authPassword: stringArg(args, "authPassword"),
      secret: nullableStringArg(args, "secret") ?? generateSecret(),
      enabled: boolArg(args, "enabled"),
      logs: "",
      attempts: 0,
    };
    const { events, wasList } = eventsArg(args);
    const webhookId = requestedId === "unique()" ? uniqueId() : requestedId;
    assertFitsColumns({ ...fields, events }, wasList);
    const webhook = store.insertWebhook(project.id, webhookId, { ...fields, events });
    if (!webhook) throw new AppwriteError("webhook_already_exists");
    return webhookResponse(201, webhook, true, format);
  },
};
