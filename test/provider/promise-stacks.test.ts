/**
 * Registering a webhook must not format a stack trace per output promise (the SDK's
 * `debuggablePromise` does, for its leak report only; see provider/dynamic/promise-stacks.ts), and must
 * leave `Error.stackTraceLimit` as it found it. Counted with the SDK's own mocks, through the
 * formatting hook V8 calls for every stack trace that is read.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import type * as Pulumi from "@pulumi/pulumi";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type * as Package from "../../provider/index";
import { suspendPromiseStacks } from "../../provider/dynamic/promise-stacks";
import { REPO_ROOT } from "../support/engine";

const requireFromRepo = createRequire(join(REPO_ROOT, "package.json"));
let pkg: typeof Package;

beforeAll(() => {
  const pulumi = requireFromRepo("@pulumi/pulumi") as typeof Pulumi;
  void pulumi.runtime.setMocks({
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: () => ({}),
  });
  // The compiled package, as a consumer loads it, on the same SDK instance as the mocks.
  pkg = requireFromRepo("./dist/provider/index.js") as typeof Package;
});
afterEach(() => {
  delete process.env["PULUMI_DEBUG_PROMISE_LEAKS"];
});

/** How many stack traces with at least one frame were formatted while `register` ran. */
function formattedStacks(register: () => void): number {
  const previous = Error.prepareStackTrace;
  let count = 0;
  Error.prepareStackTrace = (error, frames) => {
    if (frames.length > 0) count++;
    return previous ? previous(error, frames) : `${String(error)}\n${frames.join("\n")}`;
  };
  try {
    register();
  } finally {
    Error.prepareStackTrace = previous;
  }
  return count;
}

const args = { name: "n", url: "https://hooks.example.com/x", events: ["users.*"] };

describe("registration without per-promise stack traces", () => {
  it("formats at most the SDK's source-position trace per webhook, in both doors", () => {
    const limit = Error.stackTraceLimit;
    // The SDK reads one full trace for the resource's source position; the 80-odd output
    // promises would add one each without the suspension.
    expect(formattedStacks(() => new pkg.Webhook("dynamic", args))).toBeLessThanOrEqual(2);
    expect(formattedStacks(() => new pkg.NativeWebhook("native", args))).toBeLessThanOrEqual(2);
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("keeps every trace when PULUMI_DEBUG_PROMISE_LEAKS asks for them", () => {
    process.env["PULUMI_DEBUG_PROMISE_LEAKS"] = "true";
    expect(formattedStacks(() => new pkg.Webhook("debugged", args))).toBeGreaterThan(40);
  });

  it("restores the caller's limit", () => {
    const limit = Error.stackTraceLimit;
    const restore = suspendPromiseStacks();
    expect(Error.stackTraceLimit).toBe(0);
    restore();
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
