/**
 * The README is the front page, not the manual: it stays small enough to read in the first ten
 * minutes and links to one docs/ page per topic, and every link in the documentation leads
 * somewhere. A relative link, or a link to this repository's own files on GitHub, must name a file
 * or folder of the repository, and its `#anchor`, if any, a heading of the Markdown file it names.
 * The code blocks of every page are run by ./snippets.test.ts, which reads the same documents.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/engine";
import { anchors, links, OWN_REPOSITORY, prose, slug, type Link } from "./links";
import { documentationPages, documents } from "./snippets";

/** "Under 15 KB", with KB as 1,000 bytes, as the pages write figures. */
const README_BUDGET_BYTES = 15_000;

/** The documents whose links are checked: ARCHITECTURE.md even before it exists, so its absence fails. */
const LINKING_DOCUMENTS = [...new Set([...documents(), "ARCHITECTURE.md"])];

/** Why a link leads nowhere, or undefined when it leads somewhere. */
function broken(link: Link): string | undefined {
  if (link.path === undefined) return undefined;
  const file = join(REPO_ROOT, link.path);
  if (relative(REPO_ROOT, file).startsWith("..")) return "outside the repository";
  if (!existsSync(file)) return `${link.path} does not exist`;
  if (link.anchor === undefined || link.anchor === "") return undefined;
  if (!statSync(file).isFile() || !link.path.endsWith(".md")) return undefined;
  return anchors(link.path).has(link.anchor) ? undefined : `${link.path} has no heading #${link.anchor}`;
}

describe("the README, the front page", () => {
  const readme = readFileSync(join(REPO_ROOT, "README.md"));

  it(`is under ${README_BUDGET_BYTES.toLocaleString("en")} bytes`, () => {
    expect(readme.byteLength).toBeLessThan(README_BUDGET_BYTES);
  });

  it("links to every docs/ page and to ARCHITECTURE.md", () => {
    const linked = new Set(links("README.md").flatMap((link) => (link.path ? [link.path] : [])));
    const pages = documentationPages().filter((page) => page !== "README.md");
    expect(pages.length).toBeGreaterThan(0);
    expect([...pages, "ARCHITECTURE.md"].filter((page) => !linked.has(page))).toEqual([]);
  });
});

describe("every link in the documentation leads somewhere", () => {
  it.each(LINKING_DOCUMENTS)("%s", (doc) => {
    expect(existsSync(join(REPO_ROOT, doc)), `${doc} exists`).toBe(true);
    const found = links(doc);
    const dead = found.flatMap((link) => {
      const reason = broken(link);
      return reason ? [`(${link.target}): ${reason}`] : [];
    });
    expect(dead).toEqual([]);
  });
});

describe("the link checker", () => {
  it("finds GitHub's anchors, and skips fenced blocks and inline code", () => {
    expect(slug("GitOps: webhooks.yaml")).toBe("gitops-webhooksyaml");
    expect(slug("Recovering from an interrupted pulumi up")).toBe("recovering-from-an-interrupted-pulumi-up");
    expect(slug("Use from [any](x.md) Pulumi language")).toBe("use-from-any-pulumi-language");
    expect(prose("a [x](y.md)\n```md\n[z](w.md)\n```\n`[c](d.md)` b")).toEqual(["a [x](y.md)", "code b"]);
  });

  it("resolves relative, in-page and own-repository links, and names what is missing", () => {
    const text = [
      "[a](../README.md#quick-start) [b](#drift) [c](recovery.md 'title')",
      `[d](${OWN_REPOSITORY}blob/main/examples/receiver/README.md) [e](${OWN_REPOSITORY}issues)`,
      "[f](https://example.com/x.md) [g](../../outside.md) [h](none.md) [i](../README.md#no-such)",
    ].join("\n");
    const found = links("docs/drift-and-failures.md", text);
    expect(found.map((link) => [link.path, link.anchor])).toEqual([
      ["README.md", "quick-start"],
      ["docs/drift-and-failures.md", "drift"],
      ["docs/recovery.md", undefined],
      ["examples/receiver/README.md", undefined],
      ["(not a file)", undefined],
      [undefined, undefined],
      ["../outside.md", undefined],
      ["docs/none.md", undefined],
      ["README.md", "no-such"],
    ]);
    expect(found.map(broken)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      "(not a file) does not exist",
      undefined,
      "outside the repository",
      "docs/none.md does not exist",
      "README.md has no heading #no-such",
    ]);
  });
});
