/**
 * The lifecycle's messages as the engine's diagnostics. The lifecycle writes what the user must
 * see (unmanaged webhooks, a takeover, a retry) with `console.error`; the dynamic door's host
 * shows its stderr, but the engine hides a resource plugin's (Pulumi 3.274 logs it at debug
 * level unless the plugin fails to start). So the plugin door sends each such line through the
 * engine's Log service as a warning on the resource whose call wrote it, and a call answers only
 * once its lines are delivered, so none is lost when the engine finishes right after.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { format } from "node:util";
import * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";

interface CallContext {
  urn: string;
  delivered: Promise<void>[];
}

const calls = new AsyncLocalStorage<CallContext>();
let engine: EngineClient | undefined;

/** The engine's address, as its Handshake gives it; until then lines stay on stderr only. */
export function connectEngine(address: string): void {
  if (address && !engine) engine = new EngineClient(address, grpc.credentials.createInsecure());
}

/** Runs one call of the resource `urn`; the lines it writes reach the engine before it returns. */
export async function withEngineLog<T>(urn: string, work: () => Promise<T> | T): Promise<T> {
  const context: CallContext = { urn, delivered: [] };
  try {
    return await calls.run(context, work);
  } finally {
    await Promise.all(context.delivered);
  }
}

function send(client: EngineClient, message: string, urn: string): Promise<void> {
  const request = new LogRequest().setSeverity(LogSeverity.WARNING).setMessage(message).setUrn(urn);
  // A line the engine cannot take is still on stderr (its debug log): never fail the call for it.
  return new Promise((resolve) => client.log(request, () => resolve()));
}

/**
 * Makes `console.error` send its line to the engine instead, during a call of the executable's
 * server (./main). Anything else (before Handshake, outside a call, a plugin that fails to start)
 * stays on stderr. Not both: the engine records stderr as diagnostics too (at debug level), and
 * one line must be one diagnostic, or every retry would be counted twice by anyone reading them.
 * Returns what undoes it.
 */
export function forwardConsoleErrors(): () => void {
  const original = console.error;
  const toStderr = original.bind(console);
  console.error = (...args: unknown[]) => {
    const context = calls.getStore();
    if (engine && context) context.delivered.push(send(engine, format(...args), context.urn));
    else toStderr(...args);
  };
  return () => {
    console.error = original;
  };
}
