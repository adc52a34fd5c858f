/**
 * Hosts and host patterns, as the policies' configurations name them. The URL is read by the
 * lifecycle's own parser (Appwrite's PHP rule), so a policy judges exactly the host Appwrite
 * will deliver to; a URL that parser refuses is left to the provider's check, which fails the
 * preview with its own message.
 */
import { phpHttpUrl } from "../lifecycle/url-rules";

export interface WebhookUrl {
  scheme: "http" | "https";
  /** Lower case, as DNS compares it. */
  host: string;
}

/** The scheme and host of a webhook URL, or undefined when it is not a URL Appwrite accepts. */
export function webhookUrl(value: unknown): WebhookUrl | undefined {
  if (typeof value !== "string") return undefined;
  const parts = phpHttpUrl(value);
  if ("problem" in parts) return undefined;
  // phpHttpUrl accepts only "http://" and "https://", written in lower case.
  return { scheme: value.startsWith("https://") ? "https" : "http", host: parts.host.toLowerCase() };
}

/**
 * A host pattern: `*` (every host), `*.example.com` (every name under example.com, not
 * example.com itself), or a host name, compared without regard to case.
 */
export function hostMatches(host: string, pattern: string): boolean {
  const wanted = pattern.trim().toLowerCase();
  if (wanted === "*") return true;
  if (wanted.startsWith("*.")) return host.endsWith(wanted.slice(1));
  return host === wanted;
}

export function hostMatchesAny(host: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => hostMatches(host, pattern));
}
