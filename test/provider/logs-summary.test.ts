/**
 * State keeps a bounded summary of Appwrite's delivery log. The log's shape is Appwrite 1.9.6's
 * webhooks worker (src/Appwrite/Platform/Workers/Webhooks.php): "URL: …\nMethod: POST\n", then
 * either "CURL Error: …\nEvents: …\n" or "Status code: …\nBody: \n" and up to 10,000 bytes of the
 * receiver's response (mb_strcut).
 */
import { describe, expect, it } from "vitest";
import { LOGS_SUMMARY_BYTES, summarizeLogs } from "../../provider/lifecycle/state";

const url = "https://hooks.example.com/appwrite/orders";
const $id = "orders-hook";
const log = (tail: string) => `URL: ${url}\nMethod: POST\n${tail}`;

describe("summarizeLogs", () => {
  it("keeps an empty log empty (a healthy webhook)", () => {
    expect(summarizeLogs({ $id, url, logs: "" })).toBe("");
  });

  it("drops the lines that repeat the webhook's URL and method, and keeps a short log whole", () => {
    const tail = "CURL Error: Could not resolve host: hooks.example.com\nEvents: users.*.create\n";
    expect(summarizeLogs({ $id, url, logs: log(tail) })).toBe(tail);
  });

  it("keeps the URL line of a log that names another URL (the webhook moved since)", () => {
    const other = "URL: https://old.example.com/x\nMethod: POST\nStatus code: 500\nBody: \n\n";
    expect(summarizeLogs({ $id, url, logs: other })).toBe(other);
  });

  it("bounds a 10,000-byte response body, cutting at a character boundary and saying where the rest is", () => {
    // 3-byte characters, so a byte cut would land inside one.
    const body = "€".repeat(3333) + "x";
    const full = log(`Status code: 503\nBody: \n${body}\n`);
    const summary = summarizeLogs({ $id, url, logs: full });
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(LOGS_SUMMARY_BYTES);
    expect(summary).toMatch(
      /^Status code: 503\nBody: \n€+… \[\d+ more bytes: GET \/v1\/webhooks\/orders-hook\]$/,
    );
    expect(summary).not.toContain("\uFFFD");
    const kept = summary.slice(0, summary.indexOf("…"));
    const rest = Number(/\[(\d+) more bytes/.exec(summary)?.[1]);
    expect(Buffer.byteLength(kept) + rest).toBe(
      Buffer.byteLength(full) - Buffer.byteLength(`URL: ${url}\nMethod: POST\n`),
    );
  });
});
