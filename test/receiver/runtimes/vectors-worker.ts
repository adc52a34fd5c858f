/**
 * The OpenSSL vectors as a Worker-shaped module, bundled with the Web entry and run unchanged in
 * every runtime: its fetch answers with the report of runSignatureVectors as JSON.
 */
import { signWebhookPayload, verifyWebhookSignature } from "../../../receiver/src/web-crypto";
import { runSignatureVectors } from "../signature-vectors";

export default {
  async fetch(): Promise<Response> {
    const report = await runSignatureVectors({ sign: signWebhookPayload, verify: verifyWebhookSignature });
    return new Response(JSON.stringify(report), { headers: { "content-type": "application/json" } });
  },
};
