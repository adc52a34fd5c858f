/**
 * Identifier and secret generators with Appwrite's shapes, so that anything a client
 * checks about their form (length, alphabet) holds against the emulator too.
 */
import { randomBytes } from "node:crypto";

let lastUniqid = 0n;

/**
 * PHP `uniqid()`: 8 hex digits of seconds and 5 of microseconds. PHP sleeps a microsecond
 * between calls to stay unique; here the counter is bumped instead, which keeps ids strictly
 * increasing without blocking the event loop.
 */
function uniqid(): string {
  const micros = BigInt(Date.now()) * 1000n + ((process.hrtime.bigint() / 1000n) % 1000n);
  const next = micros > lastUniqid ? micros : lastUniqid + 1n;
  lastUniqid = next;
  const seconds = next / 1_000_000n;
  const microseconds = next % 1_000_000n;
  return seconds.toString(16).padStart(8, "0") + microseconds.toString(16).padStart(5, "0");
}

/** `ID::unique()`: uniqid plus 7 random hex digits, 20 characters in all. */
export function uniqueId(): string {
  return uniqid() + randomBytes(4).toString("hex").slice(0, 7);
}

/** A webhook signing secret: `bin2hex(random_bytes(64))`, 128 lowercase hex characters. */
export function generateSecret(): string {
  return randomBytes(64).toString("hex");
}

/** A standard project API key: `standard_` and 128 random bytes in hex (256 characters). */
export function generateApiKey(): string {
  return "standard_" + randomBytes(128).toString("hex");
}

/** Appwrite's datetime format, `Y-m-d\TH:i:s.vP` in UTC, e.g. 2020-10-15T06:38:00.000+00:00. */
export function appwriteTimestamp(date: Date = new Date()): string {
  return date.toISOString().replace("Z", "+00:00");
}
