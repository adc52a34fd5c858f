/**
 * Appwrite's API-time URL rule for webhooks (1.9.6): the `URL` validator (http or https)
 * and `PublicDomain` (the host has a suffix from the Public Suffix List, ICANN or PRIVATE
 * section, and is not an IP literal). Checked at preview time so that a private target
 * never reaches `pulumi up` as a 400.
 */
import { parse as parseDomain } from "tldts";

/** The `url` column of Appwrite's `webhooks` collection is 255 characters; longer URLs fail as a 500. */
export const MAX_WEBHOOK_URL_LENGTH = 255;

/** Returns why Appwrite would reject `value` as a webhook URL, or undefined when it accepts it. */
export function webhookUrlProblem(value: string): string | undefined {
  if (value.length > MAX_WEBHOOK_URL_LENGTH) {
    return `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters (Appwrite stores the URL in a 255-character column), got ${value.length}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return "must be an absolute http or https URL";
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return `must use http or https, not ${parsed.protocol.replace(/:$/, "")}`;
  }
  const host = parsed.hostname;
  if (host.endsWith(".")) return `host "${host}" must not end with a dot`;
  if (host.startsWith("[") || /^[0-9.]+$/.test(host)) {
    return `host "${host}" is an IP address; Appwrite accepts only public domain names`;
  }
  const domain = parseDomain(host, { allowPrivateDomains: true });
  if (domain.isIp) return `host "${host}" is an IP address; Appwrite accepts only public domain names`;
  if (!(domain.isIcann || domain.isPrivate)) {
    return `host "${host}" is not under a public suffix (localhost, single labels, .local, .test, .internal, .example and similar are rejected by Appwrite)`;
  }
  return undefined;
}
