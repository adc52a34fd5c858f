/**
 * Appwrite's API-time URL rule for webhooks (1.9.6): `URL(['http', 'https'])`, which is PHP's
 * `filter_var($url, FILTER_VALIDATE_URL)` plus a case-sensitive scheme list, and `PublicDomain`
 * (the host has a suffix from the Public Suffix List, ICANN or PRIVATE section, and is not an IP
 * literal). Checked at preview time so that a URL the server refuses never reaches `pulumi up` as
 * a 400. On top of Appwrite's rule, and on purpose, credentials in the URL are refused: Appwrite's
 * curl would send them as basic auth, but the URL is a plain-text input and output, so a password
 * there sits unencrypted in state and in the preview.
 *
 * The PHP part follows php-src (ext/filter/logical_filters.c `php_filter_validate_url`, and
 * ext/standard/url.c `php_url_parse_ex2` for how the authority splits); test/emulator/vectors holds
 * PHP's own answers for the cases that decide it.
 */
import { isIPv6 } from "node:net";
import { parse as parseDomain } from "tldts";

/** The `url` column of Appwrite's `webhooks` collection is 255 characters; longer URLs fail as a 500. */
export const MAX_WEBHOOK_URL_LENGTH = 255;

/**
 * FILTER_SANITIZE_URL removes every other character, and FILTER_VALIDATE_URL fails when that
 * changed the length: so a space, a tab, a control character or any non-ASCII character (an IDN
 * written in Unicode) is refused, wherever it is.
 */
const SANITIZE_URL_KEEPS = /^[A-Za-z0-9$\-_.+!*'(),{}|\\^~[\]`<>#%";/?:@&=]*$/;
const ALPHANUMERIC = /^[A-Za-z0-9]$/;
/** parse_url's port is strtol of at most 5 characters: an optional sign, then digits (trailing junk ignored). */
const PORT_PREFIX = /^[+-]?(\d+)/;

/** What the parts of an http(s) URL are, as PHP's parse_url splits them. */
export interface UrlAuthority {
  /** The text before the last "@" of the authority, when there is one. */
  userinfo?: string;
  host: string;
}

/**
 * Appwrite's `URL(['http', 'https'])`: why it fails for `value`, or the parts PHP's parse_url
 * found (exported for the test against PHP's own answers).
 */
export function phpHttpUrl(value: string): { problem: string } | UrlAuthority {
  const invalid = [...value].find((c) => !SANITIZE_URL_KEEPS.test(c));
  if (invalid !== undefined) {
    return {
      problem: `must not contain ${describeCharacter(invalid)} (Appwrite accepts only URL characters; percent-encode it)`,
    };
  }
  // The scheme list is case-sensitive (PHP's in_array), although the filter itself is not.
  const scheme = /^(https?):\/\//.exec(value);
  if (!scheme) {
    const written = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1];
    return written
      ? { problem: `must use http or https, written in lower case and followed by "://" (got "${written}:")` }
      : { problem: "must be an absolute http or https URL" };
  }
  const rest = value.slice(scheme[0].length);
  const authorityEnd = rest.search(/[/?#]/);
  let authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  let userinfo: string | undefined;
  const at = authority.lastIndexOf("@");
  if (at !== -1) {
    userinfo = authority.slice(0, at);
    authority = authority.slice(at + 1);
  }
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(":");
    const parts = colon === -1 ? [userinfo] : [userinfo.slice(0, colon), userinfo.slice(colon + 1)];
    if (!parts.every(isUserinfoPart))
      return { problem: "has a user name or password PHP's URL filter refuses" };
  }
  let host = authority;
  // parse_url takes no port from "[…]" (an IPv6 literal); from "[…]:port" it does.
  if (!(authority.startsWith("[") && authority.endsWith("]"))) {
    const colon = authority.lastIndexOf(":");
    if (colon !== -1) {
      host = authority.slice(0, colon);
      const portText = authority.slice(colon + 1);
      const port = PORT_PREFIX.exec(portText);
      const portValue = port ? Number(port[0]) : NaN;
      if (portText.length > 5 || (portText !== "" && !(portValue >= 0 && portValue <= 65535))) {
        return { problem: `port "${portText}" must be a number from 0 to 65535` };
      }
    }
  }
  if (host === "") return { problem: "must name a host" };
  const ipv6 = host.startsWith("[") && host.endsWith("]");
  if (ipv6 ? !isIpv6Literal(host.slice(1, -1)) : !isHostname(host)) {
    return {
      problem: `host "${host}" is not a valid host name (labels of letters, digits and inner hyphens, at most 63 characters each)`,
    };
  }
  return { ...(userinfo === undefined ? {} : { userinfo }), host };
}

/**
 * PHP's domain check with FILTER_FLAG_HOSTNAME: at most 253 characters (a final dot not
 * counted), labels of at most 63 that start and end alphanumeric, hyphens inside. As in PHP, a
 * hyphen may end the name only before a final dot, and a dot may not be followed by another.
 */
function isHostname(host: string): boolean {
  const end = host.endsWith(".") ? host.length - 1 : host.length;
  if (end > 253 || !ALPHANUMERIC.test(host[0] ?? "")) return false;
  let labelLength = 1;
  for (let i = 0; i < end; i++) {
    const c = host[i] as string;
    if (c === ".") {
      const next = host[i + 1] ?? "";
      if (next === "." || !ALPHANUMERIC.test(host[i - 1] ?? "") || !ALPHANUMERIC.test(next)) return false;
      labelLength = 1;
      continue;
    }
    if (labelLength > 63) return false;
    if (!ALPHANUMERIC.test(c) && (c !== "-" || i === host.length - 1)) return false;
    labelLength++;
  }
  return true;
}

/** PHP's userinfo rule: unreserved and sub-delims, ":" and %XX whose first digit is decimal (a PHP quirk). */
function isUserinfoPart(text: string): boolean {
  return /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9][0-9A-Fa-f])*$/.test(text);
}

/** PHP's IPv6 rule is RFC 4291's text forms without a zone ID, which Node accepts after "%". */
function isIpv6Literal(text: string): boolean {
  return !text.includes("%") && isIPv6(text);
}

function describeCharacter(c: string): string {
  if (c === " ") return "a space";
  if (c === "\t") return "a tab";
  const code = c.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return code < 0x20 || code === 0x7f ? `a control character (${hex})` : `"${c}" (${hex})`;
}

/**
 * Credentials in the authority (`user:pw@` or `user@`), split as PHP's parse_url splits them:
 * the authority ends at the first "/", "?" or "#", and the userinfo at its last "@". Matched
 * before any other rule, so no message ever quotes a character of a password.
 */
const USERINFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)@/;

export function hasUrlUserinfo(value: string): boolean {
  return USERINFO.test(value);
}

/** The URL without its userinfo, and the user name and password it carried (percent-decoded). */
export function splitUrlUserinfo(value: string): { url: string; username?: string; password?: string } {
  const match = USERINFO.exec(value);
  if (!match) return { url: value };
  const userinfo = match[2] as string;
  const colon = userinfo.indexOf(":");
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const username = decode(colon === -1 ? userinfo : userinfo.slice(0, colon));
  const password = colon === -1 ? undefined : decode(userinfo.slice(colon + 1));
  return {
    url: `${match[1] as string}${value.slice(match[0].length)}`,
    ...(username === "" ? {} : { username }),
    ...(password === undefined || password === "" ? {} : { password }),
  };
}

/** Returns why Appwrite would reject `value` as a webhook URL, or undefined when it accepts it. */
export function webhookUrlProblem(value: string): string | undefined {
  if (value.length > MAX_WEBHOOK_URL_LENGTH) {
    return `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters (Appwrite stores the URL in a 255-character column), got ${value.length}`;
  }
  if (hasUrlUserinfo(value)) {
    // Never echo the URL or the userinfo: it may hold a password.
    return (
      "must not carry credentials (user:password@ or user@ before the host): they would sit in plain text " +
      "in state and in the preview. Put them in authUsername and authPassword (a secret) instead; " +
      "in a declaration file, auth: { username, passwordConfig }"
    );
  }
  const parts = phpHttpUrl(value);
  if ("problem" in parts) return parts.problem;
  const host = parts.host.toLowerCase();
  if (host.startsWith("["))
    return `host "${host}" is an IP address; Appwrite accepts only public domain names`;
  if (host.endsWith(".")) return `host "${host}" must not end with a dot`;
  const domain = parseDomain(host, { allowPrivateDomains: true });
  if (domain.isIp) return `host "${host}" is an IP address; Appwrite accepts only public domain names`;
  if (!(domain.isIcann || domain.isPrivate)) {
    return `host "${host}" is not under a public suffix (localhost, single labels, .local, .test, .internal, .example and similar are rejected by Appwrite)`;
  }
  return undefined;
}
