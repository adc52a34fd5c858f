/**
 * Reading the bodies Appwrite answers with: the JSON models of a success, and the `type` and
 * `message` of an error, which a proxy or a server older than 1.9 may send as HTML instead.
 */

export function parseJson<T>(body: string): T {
  return JSON.parse(body) as T;
}

/** Appwrite's error type (`webhook_not_found`), or "" when the body is not an Appwrite error. */
export function errorType(body: string): string {
  return parseErrorBody(body).type;
}

export function parseErrorBody(body: string): { type: string; message: string; isHtml: boolean } {
  try {
    const parsed = JSON.parse(body) as { type?: unknown; message?: unknown };
    return {
      type: typeof parsed.type === "string" ? parsed.type : "",
      message: typeof parsed.message === "string" ? parsed.message : "",
      isHtml: false,
    };
  } catch {
    return { type: "", message: body.slice(0, 200), isHtml: /<html|<!doctype/i.test(body) };
  }
}
