/**
 * The links of the documentation, read once for every test that checks them: inline Markdown links
 * outside code, each resolved to the repository path it names, and the anchors GitHub gives a
 * Markdown file's headings.
 */
import { readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { REPO_ROOT } from "../support/engine";

/** `https://github.com/<owner>/<name>/` from package.json: links there are to this repository. */
export const OWN_REPOSITORY = (() => {
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
    repository: { url: string };
  };
  return `${manifest.repository.url.replace(/^git\+/, "").replace(/\.git$/, "")}/`;
})();

/** The document's lines with fenced blocks left out and inline code spans blanked: links there are not links. */
export function prose(text: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of text.replace(/\r\n/g, "\n").split("\n")) {
    const marker = /^\s*(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence === undefined) {
      if (marker) fence = marker[1];
      else lines.push(line.replace(/(`+)(?:(?!\1).)+?\1/g, "code"));
    } else if (marker?.[1]?.startsWith(fence) && marker[2]?.trim() === "") fence = undefined;
  }
  return lines;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a Markdown file's headings, numbered as GitHub numbers repeated ones. */
export function anchors(path: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const line of prose(readFileSync(join(REPO_ROOT, path), "utf8").replace(/`/g, ""))) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)?.[1];
    if (!heading) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  return found;
}

export interface Link {
  /** As written. */
  target: string;
  /** The repository path it names, or undefined for another site. */
  path?: string;
  anchor?: string;
}

/** The inline links of a document, each resolved to a repository path when it names one. */
export function links(doc: string, text = readFileSync(join(REPO_ROOT, doc), "utf8")): Link[] {
  const linkTargets = prose(text)
    .join("\n")
    .matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g);
  return [...linkTargets].map((match): Link => {
    const target = match[1] ?? "";
    const [path = "", anchor] = target.split("#", 2);
    if (target.startsWith("#")) return { target, path: doc, anchor };
    if (target.startsWith(OWN_REPOSITORY)) {
      // blob/<branch>/<path> or tree/<branch>/<path>; anything else on the site is not a file.
      const file = /^(?:blob|tree)\/[^/]+\/(.*)$/.exec(path.slice(OWN_REPOSITORY.length))?.[1];
      return { target, path: file === undefined ? "(not a file)" : decodeURIComponent(file) || ".", anchor };
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return { target };
    return { target, path: normalize(join(dirname(doc), decodeURIComponent(path))), anchor };
  });
}

/** The repository paths a document's relative links name (not its own anchors, not web addresses). */
export function relativeLinkPaths(doc: string): string[] {
  return links(doc).flatMap((link) =>
    link.path === undefined || link.target.startsWith("#") || link.target.startsWith(OWN_REPOSITORY)
      ? []
      : [link.path],
  );
}
