/**
 * The HTTP front of the emulator: one node:http server for the Appwrite API (/v1) and the
 * control API (/_emulator). For API requests the order is: count, read the body (capped),
 * global latency, faults, then Appwrite's own order (route, request filters, project and key
 * checks, parameters, action). Nothing thrown below this point may crash the process or
 * reach the client as a stack trace.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { authorize, authorizeRequest } from "./api-key-auth";
import { handleControl } from "../control/control-api";
import type { EmulatorCore } from "../state/emulator-core";
import {
  AppwriteError,
  ERROR_TYPES,
  errorBody,
  NO_CACHE_HEADERS,
  serverError,
  type ErrorType,
} from "./appwrite-errors";
import { defaultFaultType, sleep } from "../control/faults";
import {
  BodyTooLargeError,
  jsonResponse,
  readBody,
  requestParams,
  writeResponse,
  type ApiResponse,
} from "./http-io";
import { applyRequestFormat } from "./response-models";
import { resolveArguments } from "./param-binding";
import { appwriteTimestamp } from "../state/ids";
import { matchRoute, type RouteMatch } from "./router";
import { matchPublicRoute, type PublicRoute } from "../routes/health-version";

const DEBUG = process.env["APPWRITE_EMULATOR_DEBUG"] === "1";

export function errorResponse(
  error: AppwriteError | { message: string; code: number; type: string },
  extra: Record<string, string> = {},
): ApiResponse {
  return jsonResponse(error.code, errorBody(error), { ...NO_CACHE_HEADERS, ...extra });
}

function header(req: IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : (value ?? "");
}

/** `$request->getHostname()`: the Host header without its port. */
function hostname(req: IncomingMessage): string {
  const host = header(req, "host");
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.indexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

/** Appwrite's request handling for a matched (or unmatched) API route. */
function handleApi(
  core: EmulatorCore,
  match: RouteMatch | PublicRoute | undefined,
  req: IncomingMessage,
  query: string,
  body: Buffer,
): ApiResponse {
  try {
    if (!match) throw new AppwriteError("general_route_not_found");
    if ("action" in match) {
      authorizeRequest(core.store, {
        projectHeader: header(req, "x-appwrite-project"),
        keyHeader: header(req, "x-appwrite-key"),
        projectParam: requestParams(match.method, query, req.headers["content-type"], body)["project"],
        legacyProjectId: undefined,
        hostname: hostname(req),
        scope: match.scope,
      });
      return match.action();
    }
    const { route } = match;
    const format = header(req, "x-appwrite-response-format") || undefined;
    let params = requestParams(route.method, query, req.headers["content-type"], body);
    if (route.requestModel)
      params = applyRequestFormat(params, format, route.requestModel === "webhooks.create");
    const project = authorize(core.store, {
      projectHeader: header(req, "x-appwrite-project"),
      keyHeader: header(req, "x-appwrite-key"),
      projectParam: params["project"],
      legacyProjectId: match.legacyProjectId,
      hostname: hostname(req),
      scope: route.scope,
    });
    const args = resolveArguments(
      route.params({ appEnv: core.settings.appEnv, events: core.settings.appwrite.events }),
      match.pathValues,
      params,
    );
    return route.action({ store: core.store, project, format }, args);
  } catch (error) {
    if (error instanceof AppwriteError) return errorResponse(error);
    if (DEBUG) console.error("[appwrite-emulator] unexpected error:", error);
    return errorResponse(serverError());
  }
}

async function handleRequest(core: EmulatorCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const rawUrl = req.url ?? "/";
  const queryStart = rawUrl.indexOf("?");
  const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const query = queryStart === -1 ? "" : rawUrl.slice(queryStart + 1);
  if (path === "/_emulator" || path.startsWith("/_emulator/")) {
    await handleControl(core, req, res, method, path, query);
    return;
  }

  const match = matchRoute(method, path) ?? matchPublicRoute(method, path);
  const routeKey = match
    ? "action" in match
      ? match.counterKey
      : match.route.counterKey
    : `${method} (unmatched)`;
  core.requestCounters.hit(routeKey);
  const started = performance.now();
  const receivedAt = appwriteTimestamp();
  res.once("close", () => {
    core.requestLog.add({
      method,
      path,
      routeKey,
      status: res.headersSent ? res.statusCode : null,
      userAgent: header(req, "user-agent"),
      projectId: header(req, "x-appwrite-project"),
      receivedAt,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
  });
  let body: Buffer;
  try {
    body = await readBody(req, core.settings.maxBodyBytes);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    // Stop reading and close: the rest of an oversized body is not worth receiving.
    res.setHeader("connection", "close");
    writeResponse(res, errorResponse(new AppwriteError("general_payload_too_large")));
    return;
  }

  await sleep(core.settings.latencyMs);
  const fault = core.faults.take(method, path, header(req, "x-appwrite-project"));
  if (fault?.kind === "latency") await sleep(fault.latencyMs);
  if (fault?.kind === "reset") {
    req.socket.destroy();
    return;
  }
  if (fault?.kind === "status") {
    const type = fault.type ?? defaultFaultType(fault.status);
    // Appwrite's own wording when the type is one of its types, so clients see a real message.
    const known = Object.hasOwn(ERROR_TYPES, type) ? ERROR_TYPES[type as ErrorType].message : undefined;
    const error = {
      message: fault.message ?? known ?? `Injected fault: HTTP ${fault.status}`,
      code: fault.status,
      type,
    };
    const extra: Record<string, string> =
      fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {};
    writeResponse(res, errorResponse(error, extra));
    return;
  }

  const response = handleApi(core, match, req, query, body);
  if (fault?.kind === "commit-then-drop") {
    // The write above is committed; the client never learns it.
    req.socket.destroy();
    return;
  }
  writeResponse(res, response);
}

export function createEmulatorServer(core: EmulatorCore): Server {
  // Node's own Host check answers 400 with an empty body; the handler below answers it instead.
  const server = createServer({ requireHostHeader: false }, (req, res) => {
    if (req.httpVersion === "1.1" && req.headers.host === undefined) {
      writeResponse(
        res,
        errorResponse(new AppwriteError("general_argument_invalid", "Missing Host header.")),
      );
      return;
    }
    handleRequest(core, req, res).catch((error: unknown) => {
      if (DEBUG) console.error("[appwrite-emulator] request failed:", error);
      if (!res.headersSent && !res.destroyed) writeResponse(res, errorResponse(serverError()));
      else res.destroy();
    });
  });
  // Longer than clients' idle timeouts, so a pooled connection is closed by the client first.
  server.keepAliveTimeout = 65_000;
  // Without a listener Node drops a CONNECT silently; Appwrite has no such route.
  server.on("connect", (_req: IncomingMessage, socket: Socket) => {
    const body = errorBody(new AppwriteError("general_route_not_found"));
    socket.end(
      `HTTP/1.1 404 Not Found\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  server.on("clientError", (_error: Error, socket: Socket) => {
    if (socket.writable) {
      const body = errorBody(new AppwriteError("general_argument_invalid", "Malformed HTTP request."));
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    } else {
      socket.destroy();
    }
  });
  return server;
}
