/**
 * The Appwrite releases the emulator speaks, and the rules that differ between them. 1.9.6 is
 * the newest release and the default; `next` is Appwrite's main branch at the commit
 * releases.json names. Each rule is read from Appwrite's source; releases.json records where,
 * so that a reader can check a rule without trusting this code.
 */
import record from "./releases.json";
import eventsNext from "./events-next.json";
import { APPWRITE_EVENTS, type EventConfigNode } from "./events-config";

export const APPWRITE_RELEASES = ["1.9.6", "next"] as const;
export type AppwriteRelease = (typeof APPWRITE_RELEASES)[number];
export const DEFAULT_APPWRITE_RELEASE: AppwriteRelease = "1.9.6";

export interface ReleaseRules {
  readonly release: AppwriteRelease;
  /** The events.php tree behind the Event validator and Event::generateEvents. */
  readonly events: EventConfigNode;
  /** Which form of the webhook URL the signature covers: rawurldecode(url), or the URL as stored. */
  readonly signedUrl: "decoded" | "raw";
  /** The label of a transport failure in the webhook's `logs`. */
  readonly deliveryErrorLabel: "CURL Error" | "Client Error";
}

const EVENT_TREES: Record<AppwriteRelease, EventConfigNode> = {
  "1.9.6": APPWRITE_EVENTS,
  next: eventsNext.events,
};

export function isAppwriteRelease(value: unknown): value is AppwriteRelease {
  return typeof value === "string" && (APPWRITE_RELEASES as readonly string[]).includes(value);
}

/** The rules of `release`; a JavaScript caller's unknown name is refused, naming the choices. */
export function releaseRules(release: AppwriteRelease = DEFAULT_APPWRITE_RELEASE): ReleaseRules {
  if (!isAppwriteRelease(release)) {
    throw new Error(
      `appwrite must be one of ${APPWRITE_RELEASES.map((name) => `"${name}"`).join(", ")}, got ${JSON.stringify(release)}`,
    );
  }
  const recorded = record.releases[release];
  return {
    release,
    events: EVENT_TREES[release],
    signedUrl: recorded.signedUrl === "raw" ? "raw" : "decoded",
    deliveryErrorLabel: recorded.deliveryErrorLabel === "Client Error" ? "Client Error" : "CURL Error",
  };
}
