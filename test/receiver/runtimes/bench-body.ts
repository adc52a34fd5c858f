/** The verify benchmark's input, shared by the Worker-shaped module and the in-process Node run. */
export const BENCH_URL = "https://hooks.example.com/appwrite";
export const BENCH_SECRET = "bench-secret-0123456789abcdef";
export const ONE_MIB = 1_048_576;

/** A JSON-looking 1 MiB body, the same bytes in every runtime. */
export function benchBody(): Uint8Array {
  const body = new Uint8Array(ONE_MIB).fill(0x61);
  body[0] = 0x22;
  body[ONE_MIB - 1] = 0x22;
  return body;
}
