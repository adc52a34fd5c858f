#!/usr/bin/env node
/**
 * `pulumi-resource-appwrite-webhooks`: the executable the Pulumi engine starts. It prints the
 * gRPC port on stdout, which is how the engine finds it; nothing else may reach stdout.
 */
import { forwardConsoleErrors } from "./engine-log";
import { serve } from "./grpc-server";

forwardConsoleErrors();

/**
 * The engine that started this plugin is its parent. Killed with SIGKILL (an OOM kill, a
 * cancelled CI job), it cannot tell the plugin to stop, and a plugin left under PID 1 could go
 * on writing to Appwrite for a run nobody records: once reparented, it exits. `process.ppid`
 * is read afresh on every access; a quarter second keeps the check cheap.
 */
const ENGINE_PID = process.ppid;
setInterval(() => {
  if (process.ppid !== ENGINE_PID) process.exit(1);
}, 250).unref();

serve().then(
  ({ port }) => process.stdout.write(`${port}\n`),
  (error: unknown) => {
    process.stderr.write(
      `pulumi-resource-appwrite-webhooks: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
