/**
 * The webhook `url` rule of Appwrite 1.9.6: `Multiple([URL(['http','https']), PublicDomain])`.
 *
 * `URL` is PHP's `filter_var(FILTER_VALIDATE_URL)` plus an exact scheme check, so this file
 * re-implements the parts of php_filter_validate_url and parse_url that decide the outcome
 * (allowed characters, authority split, port range, RFC 1123 host labels, userinfo).
 * `PublicDomain` asks whether the host has a Public Suffix List suffix; tldts answers that
 * from the same list, with a trailing dot rejected by hand because tldts ignores it while
 * Appwrite's Domain class does not.
 */
import { parse as parseDomain } from "tldts";
import { MultipleValidator } from "./param-validators";
import type { Validator } from "./validator";

/** FILTER_SANITIZE_URL keeps exactly these; a URL with anything else fails validation. */
const SANITIZE_ALLOWED = /^[A-Za-z0-9$\-_.+!*'(),{}|\\^~[\]`<>#%";/?:@&=]*$/;
// PHP checks the first digit after "%" with isdigit, not isxdigit: "%a1" is refused.
const USERINFO_ALLOWED = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9][0-9A-Fa-f])*$/;
const ALNUM = /^[A-Za-z0-9]$/;

export interface ParsedUrl {
  scheme: string;
  user?: string;
  pass?: string;
  host: string;
  port?: number;
  /** Path and query exactly as written (no fragment); "" when absent. */
  pathAndQuery: string;
}

/** A subset of PHP parse_url sufficient for http(s) URLs; undefined where parse_url fails. */
export function parsePhpUrl(value: string): ParsedUrl | undefined {
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value);
  if (!schemeMatch) return undefined;
  const scheme = schemeMatch[1] as string;
  const rest = value.slice(schemeMatch[0].length);
  const authorityEnd = rest.search(/[/?#]/);
  let authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const tail = authorityEnd === -1 ? "" : rest.slice(authorityEnd);
  const hash = tail.indexOf("#");
  const pathAndQuery = hash === -1 ? tail : tail.slice(0, hash);

  let user: string | undefined;
  let pass: string | undefined;
  // parse_url splits userinfo at the last "@", then user and password at the first ":".
  const at = authority.lastIndexOf("@");
  if (at !== -1) {
    const userinfo = authority.slice(0, at);
    authority = authority.slice(at + 1);
    const colon = userinfo.indexOf(":");
    user = colon === -1 ? userinfo : userinfo.slice(0, colon);
    if (colon !== -1) pass = userinfo.slice(colon + 1);
  }

  let host = authority;
  let port: number | undefined;
  // The port follows the last ":" unless the authority is one bracketed IPv6 literal. PHP reads it
  // with strtol: at most 5 characters, a sign and digits, and whatever follows them is ignored.
  const colon = authority.startsWith("[") && authority.endsWith("]") ? -1 : authority.lastIndexOf(":");
  if (colon !== -1) {
    host = authority.slice(0, colon);
    const text = authority.slice(colon + 1);
    if (text.length > 5) return undefined;
    if (text !== "") {
      const digits = /^[+-]?\d+/.exec(text);
      port = digits ? Number(digits[0]) : NaN;
      if (!(port >= 0 && port <= 65535)) return undefined;
    }
  }
  if (host === "") return undefined;
  return { scheme, user, pass, host, port, pathAndQuery };
}

/** `_php_filter_validate_domain` with FILTER_FLAG_HOSTNAME. */
function isValidHostname(host: string): boolean {
  let end = host.length;
  if (end > 0 && host[end - 1] === ".") end--;
  if (end > 253 || end === 0) return false;
  if (!ALNUM.test(host[0] as string)) return false;
  let labelLength = 1;
  for (let i = 0; i < end; i++) {
    const c = host[i] as string;
    if (c === ".") {
      const next = host[i + 1] ?? "";
      if (next === "." || !ALNUM.test(host[i - 1] ?? "") || !ALNUM.test(next)) return false;
      labelLength = 1;
    } else {
      // A hyphen may not be the very last character (before a final dot it may).
      if (labelLength > 63 || ((c !== "-" || i === host.length - 1) && !ALNUM.test(c))) return false;
      labelLength++;
    }
  }
  return true;
}

function isValidIpv6(value: string): boolean {
  // Node's URL parser accepts exactly the RFC 4291 forms PHP's validator accepts.
  try {
    return new URL(`http://[${value}]/`).hostname !== "";
  } catch {
    return false;
  }
}

/** PHP `filter_var($value, FILTER_VALIDATE_URL) !== false`. */
export function phpValidateUrl(value: string): boolean {
  if (!SANITIZE_ALLOWED.test(value)) return false;
  const url = parsePhpUrl(value);
  if (!url) return false;
  const scheme = url.scheme.toLowerCase();
  if (scheme === "http" || scheme === "https") {
    const bracketed = url.host.startsWith("[") && url.host.endsWith("]");
    if (!(bracketed ? isValidIpv6(url.host.slice(1, -1)) : isValidHostname(url.host))) return false;
  }
  if (url.user !== undefined && !USERINFO_ALLOWED.test(url.user)) return false;
  if (url.pass !== undefined && !USERINFO_ALLOWED.test(url.pass)) return false;
  return true;
}

/** utopia `URL` validator: FILTER_VALIDATE_URL and a case-sensitive scheme allow-list. */
export class UrlValidator implements Validator {
  constructor(private readonly schemes: readonly string[]) {}

  get description(): string {
    return `Value must be a valid URL with following schemes (${this.schemes.join(", ")})`;
  }

  isValid(value: unknown): boolean {
    if (typeof value !== "string" || !phpValidateUrl(value)) return false;
    const scheme = parsePhpUrl(value)?.scheme;
    return scheme !== undefined && this.schemes.includes(scheme);
  }
}

/** Host names Appwrite whitelists outside production (app/init/registers.php). */
const NON_PRODUCTION_ALLOWED_HOSTS = ["request-catcher-sms", "request-catcher-webhook"];

/** utopia-php/domains `PublicDomain`: the host has a public suffix and is not an IP. */
export class PublicDomainValidator implements Validator {
  constructor(private readonly appEnv: string) {}

  readonly description = "Value must be a public domain";

  isValid(value: unknown): boolean {
    if (typeof value !== "string") return false;
    const host = (phpValidateUrl(value) ? (parsePhpUrl(value)?.host ?? "") : value).trim().toLowerCase();
    if (this.appEnv !== "production" && NON_PRODUCTION_ALLOWED_HOSTS.includes(host)) return true;
    if (host === "" || host.endsWith(".")) return false;
    const domain = parseDomain(host, { allowPrivateDomains: true });
    return (domain.isIcann === true || domain.isPrivate === true) && domain.isIp !== true;
  }
}

/** The `url` parameter of create and update. */
export function webhookUrlValidator(appEnv: string): Validator {
  return new MultipleValidator([new UrlValidator(["http", "https"]), new PublicDomainValidator(appEnv)]);
}
