/**
 * PUT /v1/webhooks/:webhookId (Update.php): a full replace. Omitted optional fields take
 * their defaults (enabled=true, tls=false, auth ""), enabling resets `attempts`, and the
 * secret is kept but returned as "".
 */
import { AppwriteError } from "../http/appwrite-errors";
import { boolArg, stringArg } from "../http/param-binding";
import { eventsParam, nameParam, optionalWebhookParams, urlParam, webhookIdPathParam } from "./params-common";
import { assertFitsColumns, eventsArg, webhookResponse, type RouteDefinition } from "./route";

export const updateWebhook: RouteDefinition = {
  method: "PUT",
  path: "/v1/webhooks/:webhookId",
  alias: "/v1/projects/:projectId/webhooks/:webhookId",
  counterKey: "PUT /v1/webhooks/:id",
  scope: "webhooks.write",
  requestModel: "webhooks.update",
  params: ({ appEnv, events }) => [
    webhookIdPathParam(),
    nameParam(),
    urlParam(appEnv),
    eventsParam(events),
    ...optionalWebhookParams(),
  ],
  action({ store, project, format }, args) {
    const webhookId = stringArg(args, "webhookId");
    const changes = {
      name: stringArg(args, "name"),
      url: stringArg(args, "url"),
      tls: boolArg(args, "tls"),
      authUsername: stringArg(args, "authUsername"),
      authPassword: stringArg(args, "authPassword"),
      enabled: boolArg(args, "enabled"),
    };
    const { events, wasList } = eventsArg(args);
    const webhook = store.webhookInProject(project.id, webhookId);
    if (!webhook) throw new AppwriteError("webhook_not_found");
    assertFitsColumns({ ...changes, events }, wasList);
    store.updateWebhook(webhook, { ...changes, events, ...(changes.enabled ? { attempts: 0 } : {}) });
    return webhookResponse(200, webhook, false, format);
  },
};
