/**
 * PATCH /v1/webhooks/:webhookId/secret (Secret/Update.php; legacy alias ends in /signature):
 * sets the given secret or generates a new one, and returns it.
 */
import { AppwriteError } from "../http/appwrite-errors";
import { generateSecret } from "../state/ids";
import { nullableStringArg, stringArg } from "../http/param-binding";
import { NullableValidator, TextValidator } from "../validators/param-validators";
import { webhookIdPathParam } from "./params-common";
import { webhookResponse, type RouteDefinition } from "./route";

export const updateWebhookSecret: RouteDefinition = {
  method: "PATCH",
  path: "/v1/webhooks/:webhookId/secret",
  alias: "/v1/projects/:projectId/webhooks/:webhookId/signature",
  counterKey: "PATCH /v1/webhooks/:id/secret",
  scope: "webhooks.write",
  params: () => [
    webhookIdPathParam(),
    {
      name: "secret",
      optional: true,
      default: null,
      validator: new NullableValidator(new TextValidator(256, 8)),
    },
  ],
  action({ store, project, format }, args) {
    const secret = nullableStringArg(args, "secret");
    const webhook = store.webhookInProject(project.id, stringArg(args, "webhookId"));
    if (!webhook) throw new AppwriteError("webhook_not_found");
    store.updateWebhook(webhook, { secret: secret ?? generateSecret() });
    return webhookResponse(200, webhook, true, format);
  },
};
