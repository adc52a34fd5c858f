#!/usr/bin/env node
/**
 * `pulumi-resource-appwrite-webhooks`: the executable the Pulumi engine starts. It prints the
 * gRPC port on stdout, which is how the engine finds it; nothing else may reach stdout.
 */
import { serve } from "./server";

serve().then(
  ({ port }) => process.stdout.write(`${port}\n`),
  (error: unknown) => {
    process.stderr.write(
      `pulumi-resource-appwrite-webhooks: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
