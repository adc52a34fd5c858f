/** GET /v1/webhooks (XList.php): `queries[]` and `total`, answered as a webhookList. */
import { AppwriteError } from "../http/appwrite-errors";
import { webhookListModel } from "../http/response-models";
import { parseQuery, WebhookQueriesValidator } from "../validators/queries-validator";
import { cursorNotFound, runQueries } from "../state/query-engine";
import { BooleanValidator } from "../validators/param-validators";
import { modelResponse, type RouteDefinition } from "./route";

/**
 * The loose boolean as the action sees it; "false" and "0" mean no count. XList.php's `total` is a
 * loose Boolean param, so node-appwrite's query-string "false" passes validation; the intended
 * answer, which Appwrite's own e2e client gets by sending "0", is a total of 0.
 */
function includeTotal(value: unknown): boolean {
  if (value === null || value === undefined) throw new TypeError("total must be of type bool");
  return !(value === false || value === "false" || value === "0" || value === 0);
}

export const listWebhooks: RouteDefinition = {
  method: "GET",
  path: "/v1/webhooks",
  alias: "/v1/projects/:projectId/webhooks",
  counterKey: "GET /v1/webhooks",
  scope: "webhooks.read",
  params: () => [
    { name: "queries", optional: true, default: [], validator: new WebhookQueriesValidator() },
    { name: "total", optional: true, default: true, validator: new BooleanValidator(true) },
  ],
  action({ store, project, format }, args) {
    const raw = args["queries"];
    if (raw === null || typeof raw !== "object") throw new TypeError("queries must be of type array");
    let queries;
    try {
      queries = Object.values(raw).map(parseQuery);
    } catch (error) {
      throw new AppwriteError("general_query_invalid", (error as Error).message);
    }
    const withTotal = includeTotal(args["total"]);
    const cursorQuery = queries.find(
      (query) => query.method === "cursorAfter" || query.method === "cursorBefore",
    );
    let cursor;
    if (cursorQuery) {
      const id = String(cursorQuery.values[0]);
      cursor = store.webhookInProject(project.id, id);
      if (!cursor) throw cursorNotFound(id);
    }
    const page = runQueries(store.webhooksOf(project.id), queries, cursor, withTotal);
    return modelResponse(200, webhookListModel(page.webhooks, page.total, format));
  },
};
