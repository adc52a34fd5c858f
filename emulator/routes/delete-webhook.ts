/** DELETE /v1/webhooks/:webhookId (Delete.php): 204 with an empty body. */
import { AppwriteError } from "../http/appwrite-errors";
import { stringArg } from "../http/param-binding";
import { webhookIdPathParam } from "./params-common";
import type { RouteDefinition } from "./route";

export const deleteWebhook: RouteDefinition = {
  method: "DELETE",
  path: "/v1/webhooks/:webhookId",
  alias: "/v1/projects/:projectId/webhooks/:webhookId",
  counterKey: "DELETE /v1/webhooks/:id",
  scope: "webhooks.write",
  params: () => [webhookIdPathParam()],
  action({ store, project }, args) {
    const webhook = store.webhookInProject(project.id, stringArg(args, "webhookId"));
    if (!webhook) throw new AppwriteError("webhook_not_found");
    if (!store.deleteWebhook(webhook)) {
      throw new AppwriteError("general_server_error", "Failed to remove document from DB");
    }
    return { status: 204, headers: {}, body: null };
  },
};
