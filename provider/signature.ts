/**
 * Appwrite webhook signatures: `X-Appwrite-Webhook-Signature` is
 * base64(HMAC-SHA1(key = secret, message = url + rawBody)), with no separator.
 *
 * Which URL is signed depends on the server: Appwrite 1.9.x signs the URL after PHP's
 * `rawurldecode`, later versions sign the URL exactly as configured. The verifier tries both
 * unless told which, because a receiver rarely knows the server's version.
 */
import { createHmac } from "node:crypto";

/** "decoded": 1.9.x (rawurldecode before signing); "raw": the URL as stored (Appwrite after 1.9). */
export type SignatureUrlMode = "decoded" | "raw";

export interface SignInput {
  /** The webhook URL exactly as configured in Appwrite (not rebuilt from the incoming request). */
  url: string;
  /** The request body bytes as received, before any JSON parsing. */
  rawBody: string | Uint8Array;
  secret: string;
  /** Defaults to "decoded", which is what Appwrite 1.9.6 sends. */
  urlMode?: SignatureUrlMode;
}

/** PHP's rawurldecode: %XX sequences become bytes; `+` stays a plus sign. */
export function rawUrlDecode(url: string): string {
  const bytes: number[] = [];
  const source = Buffer.from(url, "utf8");
  for (let i = 0; i < source.length; i++) {
    const byte = source[i] as number;
    if (byte === 0x25 && i + 2 < source.length) {
      const hex = String.fromCharCode(source[i + 1] as number, source[i + 2] as number);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
    }
    bytes.push(byte);
  }
  return Buffer.from(bytes).toString("latin1");
}

function signedUrlBytes(url: string, mode: SignatureUrlMode): Buffer {
  // rawurldecode yields arbitrary bytes; keep them byte-exact rather than re-encoding as UTF-8.
  return mode === "decoded" ? Buffer.from(rawUrlDecode(url), "latin1") : Buffer.from(url, "utf8");
}

function bodyBytes(rawBody: string | Uint8Array): Uint8Array {
  return typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
}

/** Computes the `X-Appwrite-Webhook-Signature` value Appwrite would send. */
export function signWebhookPayload(input: SignInput): string {
  return createHmac("sha1", input.secret)
    .update(signedUrlBytes(input.url, input.urlMode ?? "decoded"))
    .update(bodyBytes(input.rawBody))
    .digest("base64");
}
