/** The official node-appwrite SDK pointed at a target: an independent second client. */
import { Client, Webhooks } from "node-appwrite";
import type { Target } from "./target";

export function sdkFor(target: Target, overrides: { project?: string; key?: string } = {}): Webhooks {
  const client = new Client()
    .setEndpoint(target.endpoint)
    .setProject(overrides.project ?? target.projectId)
    .setKey(overrides.key ?? target.apiKey);
  return new Webhooks(client);
}
