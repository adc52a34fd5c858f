/**
 * The control API under /_emulator/, for a process that did not start the emulator (a
 * Pulumi program, a CLI-started emulator): seed projects and keys, fire events, inspect
 * deliveries and stored webhooks, route hosts, inject faults, read counters, reset.
 * Plain JSON in and out; it is not part of the Appwrite surface, so it is not counted and
 * never faulted.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { EmulatorCore } from "../state/emulator-core";
import { faultFromWire, type FaultWire } from "./faults";
import { parsePhpQuery, readBody, writeResponse } from "../http/http-io";
import type { EmitInput, EmulatorKeyOptions, HostRoutes, WebhookChanges } from "../types";

const MAX_CONTROL_BODY = 10 * 1024 * 1024;

function json(res: ServerResponse, status: number, value: unknown): void {
  writeResponse(res, {
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify(value),
  });
}

function noContent(res: ServerResponse): void {
  writeResponse(res, { status: 204, headers: {}, body: null });
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new Error(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function requiredString(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  if (typeof value !== "string" || value === "") throw new Error(`"${key}" must be a non-empty string`);
  return value;
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req, MAX_CONTROL_BODY);
  if (raw.length === 0) return {};
  return asRecord(JSON.parse(raw.toString("utf8")), "The request body");
}

function keyOptions(record: Record<string, unknown>): EmulatorKeyOptions {
  const options: EmulatorKeyOptions = {};
  if (typeof record["key"] === "string") options.key = record["key"];
  if (Array.isArray(record["scopes"])) options.scopes = record["scopes"].map(String);
  if (typeof record["expire"] === "string" || record["expire"] === null)
    options.expire = record["expire"] as string | null;
  return options;
}

async function route(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  path: string,
  query: string,
): Promise<void> {
  const endpoint = `${method} ${path.replace(/\/+$/, "")}`;
  const webhookPath = /^(PATCH|DELETE) \/_emulator\/webhooks\/([^/]+)$/.exec(endpoint);
  if (webhookPath) {
    const id = decodeURIComponent(webhookPath[2] as string);
    if (webhookPath[1] === "DELETE") return json(res, 200, { deleted: core.deleteWebhook(id) });
    return json(res, 200, { webhook: core.updateWebhook(id, (await jsonBody(req)) as WebhookChanges) });
  }
  switch (endpoint) {
    case "GET /_emulator/health":
      return json(res, 200, { ok: true });
    case "POST /_emulator/projects": {
      const body = await jsonBody(req);
      const id = requiredString(body, "id");
      core.createProject(id);
      const keys = Array.isArray(body["keys"])
        ? body["keys"].map((key) => core.createKey(id, keyOptions(asRecord(key, "A key"))))
        : [];
      return json(res, 201, { id, keys });
    }
    case "POST /_emulator/keys": {
      const body = await jsonBody(req);
      return json(res, 201, { key: core.createKey(requiredString(body, "projectId"), keyOptions(body)) });
    }
    case "POST /_emulator/events": {
      const body = await jsonBody(req);
      const base = { projectId: requiredString(body, "projectId"), event: requiredString(body, "event") };
      if (body["payloadText"] !== undefined && typeof body["payloadText"] !== "string")
        throw new Error('"payloadText" must be a string: the payload\'s JSON text');
      if (body["payloadText"] !== undefined && body["payload"] !== undefined)
        throw new Error('Send either "payload" or "payloadText", not both');
      const input: EmitInput =
        typeof body["payloadText"] === "string"
          ? { ...base, payloadText: body["payloadText"] }
          : { ...base, payload: body["payload"] ?? {} };
      if (typeof body["userId"] === "string") input.userId = body["userId"];
      if (body["params"] !== undefined)
        input.params = asRecord(body["params"], "params") as Record<string, string>;
      return json(res, 200, { deliveries: await core.emit(input) });
    }
    case "GET /_emulator/deliveries":
      return json(res, 200, { deliveries: core.deliveries() });
    case "GET /_emulator/routes":
      return json(res, 200, { routes: core.worker.hostRoutes() });
    case "PUT /_emulator/routes": {
      const body = await jsonBody(req);
      core.setHostRoutes(asRecord(body["routes"] ?? {}, "routes") as HostRoutes);
      return json(res, 200, { routes: core.worker.hostRoutes() });
    }
    case "GET /_emulator/faults":
      return json(res, 200, { faults: core.faults.active() });
    case "POST /_emulator/faults": {
      const body = await jsonBody(req);
      return json(res, 201, { id: core.injectFault(faultFromWire(body as unknown as FaultWire)) });
    }
    case "DELETE /_emulator/faults":
      core.clearFaults();
      return noContent(res);
    case "GET /_emulator/counters":
      return json(res, 200, { counters: core.counters() });
    case "GET /_emulator/requests":
      return json(res, 200, { requests: core.requests() });
    case "POST /_emulator/counters/reset":
      core.resetCounters();
      return noContent(res);
    case "POST /_emulator/reset":
      core.reset();
      return noContent(res);
    case "GET /_emulator/webhooks": {
      const projectId = parsePhpQuery(query)["projectId"];
      if (typeof projectId !== "string" || projectId === "")
        throw new Error('"projectId" query parameter is required');
      return json(res, 200, { webhooks: core.webhooks(projectId) });
    }
    default:
      return json(res, 404, { error: `No control endpoint ${endpoint}` });
  }
}

export async function handleControl(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  path: string,
  query: string,
): Promise<void> {
  try {
    await route(core, req, res, method, path, query);
  } catch (error) {
    // Control errors are the caller's mistakes (bad JSON, unknown project): say which.
    if (!res.headersSent) json(res, 400, { error: error instanceof Error ? error.message : String(error) });
  }
}
