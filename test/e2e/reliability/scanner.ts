/**
 * The leak scanner: finds secret values in captured text, in the forms a log or a file may hold
 * them (raw, JSON-escaped, base64 and base64url at every byte alignment, hex, percent-encoded),
 * and attributes each hit to the record that holds it, so the report can tell a leak of this
 * package from Pulumi's own debug channels (see leak-scan.test.ts).
 */

export interface Secret {
  /** What the value is, for the report: "signing key of gen", "API key". Never the value. */
  label: string;
  value: string;
}

export interface Source {
  name: string;
  text: string;
}

export interface Hit {
  source: string;
  secret: string;
  encoding: string;
  index: number;
}

/** Values shorter than this are not searched: they would match by chance. */
const MIN_NEEDLE = 8;

/** Base64 of `value` as it appears inside a longer base64 text that starts `offset` bytes earlier. */
function base64At(value: Buffer, offset: number, url: boolean): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), value]).toString(url ? "base64url" : "base64");
  // Characters mixing bits of the prefix or of whatever follows are not fixed by the value.
  const start = Math.ceil((offset * 8) / 6);
  const end = Math.floor(((offset + value.length) * 8) / 6);
  return encoded.slice(start, end);
}

/** Every form of `value` to search for, by encoding name. */
export function encodings(value: string): Array<{ encoding: string; needle: string }> {
  const bytes = Buffer.from(value, "utf8");
  const forms: Array<{ encoding: string; needle: string }> = [{ encoding: "raw", needle: value }];
  const json = JSON.stringify(value).slice(1, -1);
  forms.push({ encoding: "json", needle: json });
  // Escaped twice: JSON inside a JSON string (log lines that embed a JSON payload).
  forms.push({ encoding: "json-in-json", needle: JSON.stringify(json).slice(1, -1) });
  forms.push({ encoding: "percent", needle: encodeURIComponent(value) });
  forms.push({ encoding: "hex", needle: bytes.toString("hex") });
  for (const url of [false, true]) {
    for (const offset of [0, 1, 2]) {
      forms.push({
        encoding: `${url ? "base64url" : "base64"}@${offset}`,
        needle: base64At(bytes, offset, url),
      });
    }
  }
  // One search per distinct needle; the first encoding that produces it names it.
  const seen = new Set<string>();
  return forms.filter(({ needle }) => {
    if (needle.length < MIN_NEEDLE || seen.has(needle)) return false;
    seen.add(needle);
    return true;
  });
}

export interface ScanReport {
  bytes: number;
  secrets: number;
  needles: number;
  hits: Hit[];
}

export function scan(sources: Source[], secrets: Secret[]): ScanReport {
  const distinct = new Map<string, Secret>();
  for (const secret of secrets) if (secret.value.length >= MIN_NEEDLE) distinct.set(secret.value, secret);
  const needles = [...distinct.values()].flatMap((secret) =>
    encodings(secret.value).map((form) => ({ ...form, label: secret.label })),
  );
  const hits: Hit[] = [];
  let bytes = 0;
  for (const source of sources) {
    bytes += Buffer.byteLength(source.text);
    for (const { needle, encoding, label } of needles) {
      for (
        let index = source.text.indexOf(needle);
        index !== -1;
        index = source.text.indexOf(needle, index + 1)
      ) {
        hits.push({ source: source.name, secret: label, encoding, index });
      }
    }
  }
  return { bytes, secrets: distinct.size, needles: needles.length, hits };
}

/**
 * Pulumi's own debug records that carry resource outputs and inputs: the Node SDK logs every
 * RegisterResource/ReadResource response (with secret outputs in plain text inside their secret
 * wrappers) at debug level, and the engine echoes debug diagnostics into its verbose log.
 */
export const PULUMI_DEBUG_RECORD =
  /^(eventSink::Debug\(<\{%reset%\}>)?(RegisterResource RPC (prepared|finished)|RegisterResourceOutputs RPC (prepared|finished)|ReadResource RPC (prepared|finished)|getResource Invoke RPC finished)/;

/** The line of `text` around `index`. */
export function lineAt(text: string, index: number): string {
  const start = text.lastIndexOf("\n", index) + 1;
  const end = text.indexOf("\n", index);
  return text.slice(start, end === -1 ? text.length : end);
}
