/**
 * The verify benchmark as a Worker-shaped module, bundled with the Web entry for every runtime:
 * `fetch("...?n=N")` builds a 1 MiB body, signs it once, verifies it N times, and answers
 * `{ ms, ok }` with the time measured inside. (workerd stops its clocks during computation, so
 * for it the caller times the request from outside instead and ignores `ms`.)
 */
import { signWebhookPayload, verifyWebhookSignature } from "../../../receiver/src/web-crypto";
import { BENCH_SECRET, BENCH_URL, benchBody } from "./bench-body";

export default {
  async fetch(request: Request): Promise<Response> {
    const n = Number(new URL(request.url).searchParams.get("n") ?? "1");
    const rawBody = benchBody();
    const signature = await signWebhookPayload({ url: BENCH_URL, rawBody, secret: BENCH_SECRET });
    let ok = true;
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const result = await verifyWebhookSignature({
        url: BENCH_URL,
        rawBody,
        signature,
        secrets: BENCH_SECRET,
      });
      ok &&= result.ok;
    }
    const ms = performance.now() - started;
    return new Response(JSON.stringify({ ms, ok }), { headers: { "content-type": "application/json" } });
  },
};
