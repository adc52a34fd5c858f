/**
 * `npx pulumi-appwrite-webhooks emulator --port 0 --project demo --api-key k1`
 * (in this repository also `npm run emulator -- …`)
 *
 * Starts the emulator, creates each --project with the --api-key (both webhook scopes), and
 * prints exactly one JSON line on stdout when ready:
 *   {"endpoint":"http://127.0.0.1:PORT/v1","projectId":"demo","apiKey":"k1"}
 * (the key is printed because the caller chose it or needs the generated one). Everything
 * else goes to stderr. SIGTERM or SIGINT close it cleanly with exit code 0.
 */
import { parseArgs } from "node:util";
import { startEmulator, type AppwriteRelease } from "./index";

const USAGE = `Usage: pulumi-appwrite-webhooks emulator [options]
  --port <n>                 port (0 = any free port; default 0)
  --host <addr>              listen address (default 127.0.0.1)
  --project <id>             project to create (repeatable; default "demo")
  --api-key <key>            API key for the projects (default: generated standard_ key)
  --route <host=origin>      deliver to <host> via <origin> (repeatable)
  --appwrite <release>       1.9.6 (default) or next: Appwrite's main branch, see docs/emulator.md
  --app-env <env>            _APP_ENV (default production)
  --latency-ms <n>           added to every API request
  --delivery-timeout-ms <n>  delivery timeout (default 15000)
  --max-failed-attempts <n>  failures before a webhook is disabled (default 10)
  --allow-external-delivery  really send deliveries to unrouted hosts
`;

function toNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new Error(`--${name} must be a non-negative number`);
  return number;
}

/** Runs the emulator until SIGTERM or SIGINT; `argv` are the options after `emulator`. */
export async function runEmulatorCli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      project: { type: "string", multiple: true },
      "api-key": { type: "string" },
      route: { type: "string", multiple: true },
      appwrite: { type: "string" },
      "app-env": { type: "string" },
      "latency-ms": { type: "string" },
      "delivery-timeout-ms": { type: "string" },
      "max-failed-attempts": { type: "string" },
      "allow-external-delivery": { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) {
    process.stderr.write(USAGE);
    return;
  }
  const projects = values.project ?? ["demo"];
  const hostRoutes: Record<string, string> = {};
  for (const route of values.route ?? []) {
    const eq = route.indexOf("=");
    if (eq <= 0) throw new Error(`--route expects host=origin, got "${route}"`);
    hostRoutes[route.slice(0, eq)] = route.slice(eq + 1);
  }
  const emulator = await startEmulator({
    port: toNumber(values.port, "port") ?? 0,
    host: values.host ?? "127.0.0.1",
    ...(values.appwrite === undefined ? {} : { appwrite: values.appwrite as AppwriteRelease }),
    appEnv: values["app-env"],
    latencyMs: toNumber(values["latency-ms"], "latency-ms"),
    deliveryTimeoutMs: toNumber(values["delivery-timeout-ms"], "delivery-timeout-ms"),
    maxFailedAttempts: toNumber(values["max-failed-attempts"], "max-failed-attempts"),
    allowExternalDelivery: values["allow-external-delivery"] ?? false,
    hostRoutes,
  });
  let apiKey = values["api-key"];
  for (const projectId of projects) {
    emulator.createProject(projectId);
    apiKey = emulator.createKey(projectId, apiKey === undefined ? {} : { key: apiKey });
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`appwrite emulator: ${signal}, shutting down\n`);
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  process.stdout.write(
    JSON.stringify({ endpoint: emulator.endpoint, projectId: projects[0], apiKey }) + "\n",
  );
  process.stderr.write(`appwrite emulator listening on ${emulator.origin} (control API under /_emulator/)\n`);
}

/** Reports a bad option or a failed start as the emulator's own error, with the usage. */
export function emulatorCliFailed(error: unknown): never {
  process.stderr.write(
    `appwrite emulator: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`,
  );
  process.exit(2);
}

if (require.main === module) runEmulatorCli(process.argv.slice(2)).catch(emulatorCliFailed);
