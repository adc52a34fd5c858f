/**
 * `delete` (the function is `remove`: `delete` is a reserved word): the webhook leaves the server,
 * unless this run's create took it over or it was adopted, which both leave it in place.
 */
import { clientFor } from "./connect";
import { releaseTakenOver } from "./create";
import type { WebhookState } from "./schema";

/**
 * DELETE; a webhook that is already gone counts as deleted. One that a create of this run took
 * over belongs to that create's resource: this delete is of the state entry it replaced. An
 * adopted webhook (`adopt: true`) existed before Pulumi managed it, and a destroy leaves it in
 * place, as `pulumi import`'s protection keeps an imported one: removing `adopt` first hands
 * its deletion to Pulumi.
 */
export async function remove(id: string, props: WebhookState): Promise<void> {
  const { client, connection } = clientFor(props);
  if (releaseTakenOver(connection, id)) {
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
