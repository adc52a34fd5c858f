/**
 * The shapes of Appwrite 1.9.x's webhooks API as the client sends and receives them: plain
 * data, no behaviour, so the lifecycle's state mapping can name them without loading the client.
 */

/** The `webhook` response model of Appwrite 1.9.x. */
export interface AppwriteWebhook {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  name: string;
  url: string;
  events: string[];
  tls: boolean;
  authUsername: string;
  authPassword: string;
  /** Only create and updateSecret return it; every other call returns "". */
  secret: string;
  enabled: boolean;
  logs: string;
  attempts: number;
}

export interface WebhookList {
  total: number;
  webhooks: AppwriteWebhook[];
}

/** The full desired state sent on create and update. PUT resets whatever is omitted. */
export interface WebhookBody {
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  tls: boolean;
  /** Omitted, never "", when unset: Appwrite rejects an empty string. */
  authUsername?: string;
  authPassword?: string;
}

export interface CreateOutcome {
  webhook: AppwriteWebhook;
  /**
   * True when the POST's answer was lost and the webhook was found by ID afterwards. The
   * server-generated secret is then unknown (reads return ""), so the caller must set or
   * rotate it.
   */
  recoveredAfterLostResponse: boolean;
}
