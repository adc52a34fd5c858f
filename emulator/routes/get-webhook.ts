/** GET /v1/webhooks/:webhookId (Get.php): the model with secret "". */
import { AppwriteError } from "../http/appwrite-errors";
import { stringArg } from "../http/param-binding";
import { webhookIdPathParam } from "./params-common";
import { webhookResponse, type RouteDefinition } from "./route";

export const getWebhook: RouteDefinition = {
  method: "GET",
  path: "/v1/webhooks/:webhookId",
  alias: "/v1/projects/:projectId/webhooks/:webhookId",
  counterKey: "GET /v1/webhooks/:id",
  scope: "webhooks.read",
  params: () => [webhookIdPathParam()],
  action({ store, project, format }, args) {
    const webhook = store.webhookInProject(project.id, stringArg(args, "webhookId"));
    if (!webhook) throw new AppwriteError("webhook_not_found");
    return webhookResponse(200, webhook, false, format);
  },
};
