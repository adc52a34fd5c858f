/**
 * The server side of X-Appwrite-Webhook-Signature, as Webhooks.php computes it:
 * base64_encode(hash_hmac('sha1', $url . $payload, $signatureKey, true)), where $url is
 * rawurldecode(url) in 1.9.6 and the URL as stored on main (appwrite/appwrite#13196).
 * The emulator keeps its own copy rather than the provider's verifier code, so the two are
 * independent implementations checked against OpenSSL-made vectors.
 */
import { createHmac } from "node:crypto";
import type { ReleaseRules } from "../appwrite-config/releases";

/** PHP rawurldecode: every %XX becomes that byte, `+` stays; the result is a byte string. */
export function rawUrlDecodeBytes(url: string): Buffer {
  const source = Buffer.from(url, "utf8");
  const out = Buffer.alloc(source.length);
  let length = 0;
  for (let i = 0; i < source.length; i++) {
    const byte = source[i] as number;
    const hex = byte === 0x25 ? source.subarray(i + 1, i + 3).toString("latin1") : "";
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      out[length++] = Number.parseInt(hex, 16);
      i += 2;
    } else {
      out[length++] = byte;
    }
  }
  return out.subarray(0, length);
}

export function signDelivery(
  url: string,
  body: string,
  secret: string,
  signedUrl: ReleaseRules["signedUrl"],
): string {
  const signed = signedUrl === "decoded" ? rawUrlDecodeBytes(url) : Buffer.from(url, "utf8");
  return createHmac("sha1", secret).update(signed).update(body, "utf8").digest("base64");
}
