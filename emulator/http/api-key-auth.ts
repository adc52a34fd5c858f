/**
 * Project resolution, API keys and scopes, in the order Appwrite 1.9.6 checks them (the
 * `project` and `apiKey` resources in app/init/resources/request.php, then the `api` init hook
 * in app/controllers/shared/api.php, then the webhooks module's Init hook). Sessions and
 * console users do not exist here, so a caller is either a project key or a guest.
 */
import { AppwriteError } from "./appwrite-errors";
import { phpEmpty } from "../php/php-builtins";
import type { Store, StoredProject } from "../state/store";

/** Scopes every project key carries on top of its own (roles.php, ROLE_KEYS). */
const KEY_ROLE_SCOPES = ["global", "health.read", "graphql"];
/** The guests role has no webhooks scope; its exact list does not matter for this API. */
const GUEST_SCOPES = ["global", "public", "home", "console", "graphql"];
/** Key types whose absence from the project is reported as user_unauthorized. */
const STORED_KEY_TYPES = new Set(["standard", "organization", "account"]);

export const DEFAULT_KEY_SCOPES: readonly string[] = ["webhooks.read", "webhooks.write"];

export interface AuthRequest {
  /** X-Appwrite-Project. */
  projectHeader: string;
  /** X-Appwrite-Key. */
  keyHeader: string;
  /** A `project` request parameter, which Appwrite prefers over the header when it is a string. */
  projectParam: unknown;
  /** Project id from a legacy `/v1/projects/:projectId/...` path. */
  legacyProjectId: string | undefined;
  /** Request host name without port, used in the key's service e-mail. */
  hostname: string;
  /** The route's `scope` label. */
  scope: string;
}

type ResolvedProject =
  { kind: "console" } | { kind: "missing" } | { kind: "project"; project: StoredProject };

interface DecodedKey {
  type: string;
  /** The key's project; "" when none could be determined. */
  projectId: string;
  role: "keys" | "guests";
  scopes: readonly string[];
  expired: boolean;
  found: boolean;
}

function projectIdOf(resolved: ResolvedProject): string {
  return resolved.kind === "console" ? "console" : resolved.kind === "missing" ? "" : resolved.project.id;
}

/** `Key::decode`: a key not found in the project decodes to a guest key of that project. */
function decodeKey(resolved: ResolvedProject, key: string, now: number): DecodedKey {
  const type = key.includes("_") ? key.slice(0, key.indexOf("_")) : "standard";
  const guest: DecodedKey = {
    type,
    projectId: projectIdOf(resolved),
    role: "guests",
    scopes: GUEST_SCOPES,
    expired: false,
    found: false,
  };
  if (type !== "standard" || resolved.kind !== "project") return guest;
  const stored = resolved.project.keys.get(key);
  if (!stored) return guest;
  return {
    type,
    projectId: resolved.project.id,
    role: "keys",
    scopes: [...stored.scopes, ...KEY_ROLE_SCOPES],
    expired: stored.expire !== null && Date.parse(stored.expire) < now,
    found: true,
  };
}

/**
 * Runs Appwrite's project, key and scope checks; returns the project the request acts on,
 * undefined for the console project, or throws the first failing check's error.
 */
export function authorizeRequest(
  store: Store,
  request: AuthRequest,
  now = Date.now(),
): StoredProject | undefined {
  let projectId = typeof request.projectParam === "string" ? request.projectParam : request.projectHeader;
  if (request.legacyProjectId !== undefined) projectId = request.legacyProjectId;
  const found = projectId === "" || projectId === "console" ? undefined : store.project(projectId);
  const resolved: ResolvedProject =
    projectId === "" || projectId === "console"
      ? { kind: "console" }
      : found
        ? { kind: "project", project: found }
        : { kind: "missing" };

  // 1. The apiKey resource: a key bound to a project needs the matching project header.
  const key = phpEmpty(request.keyHeader) ? undefined : decodeKey(resolved, request.keyHeader, now);
  if (
    key &&
    key.projectId !== "" &&
    (phpEmpty(request.projectHeader) || request.projectHeader !== key.projectId)
  ) {
    throw new AppwriteError("project_id_missing");
  }

  // 2.1 A legacy path names the project; a header naming another project is refused.
  if (
    request.legacyProjectId !== undefined &&
    !["", "console", request.legacyProjectId].includes(request.projectHeader)
  ) {
    throw new AppwriteError("user_unauthorized");
  }

  // 2.2 The project must exist.
  if (resolved.kind === "missing") throw new AppwriteError("project_not_found");

  // 2.3-2.4 Key expiry, then whether the key really is one of the project's keys.
  let role: "keys" | "guests" = "guests";
  let scopes: readonly string[] = GUEST_SCOPES;
  let email = "User";
  if (key) {
    if (key.expired) throw new AppwriteError("project_key_expired");
    role = key.role;
    scopes = key.scopes;
    if (key.role === "keys") email = `app.${projectIdOf(resolved)}@service.${request.hostname}`;
    if (STORED_KEY_TYPES.has(key.type) && !key.found) throw new AppwriteError("user_unauthorized");
  }

  // 2.5 The route's scope.
  if (!scopes.includes(request.scope)) {
    const label = role === "keys" ? "applications" : "guests";
    throw new AppwriteError(
      "general_unauthorized_scope",
      `${email} (role: ${label}) missing scopes (${JSON.stringify([request.scope])})`,
    );
  }

  return resolved.kind === "console" ? undefined : resolved.project;
}

/** The checks for a webhooks route, whose module Init hook then refuses the console project. */
export function authorize(store: Store, request: AuthRequest, now = Date.now()): StoredProject {
  const project = authorizeRequest(store, request, now);
  if (!project) throw new AppwriteError("general_access_forbidden");
  return project;
}
