/**
 * What the contract suite runs against: a fresh emulator (default), or a real Appwrite when
 * APPWRITE_ENDPOINT, APPWRITE_PROJECT_ID and APPWRITE_API_KEY are set. Tests that need the
 * emulator's control API (deliveries, faults, counters, extra projects and keys) are skipped
 * against a real server with `it.skipIf(isRealAppwrite)`; everything else runs on both, so a
 * real server can prove the emulator wrong.
 */
import { randomBytes } from "node:crypto";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";

const env = process.env;
export const isRealAppwrite = Boolean(
  env["APPWRITE_ENDPOINT"] && env["APPWRITE_PROJECT_ID"] && env["APPWRITE_API_KEY"],
);

export const PROJECT_ID = "contract";
export const OTHER_PROJECT_ID = "contract-other";
/** A caller-chosen key (no "_", so Appwrite reads it as a standard key). */
export const API_KEY = "contract-key-with-both-webhook-scopes";

export interface Target {
  readonly kind: "emulator" | "appwrite";
  readonly endpoint: string;
  readonly projectId: string;
  readonly apiKey: string;
  /** Host name of the endpoint, as Appwrite puts it into scope error messages. */
  readonly hostname: string;
  close(): Promise<void>;
}

export interface EmulatorTarget extends Target {
  readonly kind: "emulator";
  readonly emulator: Emulator;
}

/** Starts the target for one test file. Emulator options apply only to the emulator. */
export async function startTarget(options: EmulatorOptions = {}): Promise<Target | EmulatorTarget> {
  if (isRealAppwrite) {
    const endpoint = (env["APPWRITE_ENDPOINT"] as string).replace(/\/+$/, "");
    return {
      kind: "appwrite",
      endpoint,
      projectId: env["APPWRITE_PROJECT_ID"] as string,
      apiKey: env["APPWRITE_API_KEY"] as string,
      hostname: new URL(endpoint).hostname,
      close: async () => undefined,
    };
  }
  const emulator = await startEmulator({
    projects: [
      { id: PROJECT_ID, keys: [{ key: API_KEY }] },
      { id: OTHER_PROJECT_ID, keys: [{ key: `${API_KEY}-other` }] },
    ],
    ...options,
  });
  return {
    kind: "emulator",
    emulator,
    endpoint: emulator.endpoint,
    projectId: PROJECT_ID,
    apiKey: API_KEY,
    hostname: new URL(emulator.endpoint).hostname,
    close: () => emulator.close(),
  };
}

/** The emulator behind a target; only call it from tests skipped against a real server. */
export function emulatorOf(target: Target): Emulator {
  if (target.kind !== "emulator") throw new Error("this test needs the emulator's control API");
  return (target as EmulatorTarget).emulator;
}

/** Webhook ids unique to this run, so runs against a shared real server cannot collide. */
const RUN = randomBytes(3).toString("hex");
let counter = 0;
export function testId(label: string): string {
  return `ct-${RUN}-${label}-${(counter++).toString(36)}`.slice(0, 36);
}
