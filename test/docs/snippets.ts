/**
 * The fenced code blocks of the documentation and their markers. Each block carries, on the
 * closest non-blank line before it, one of:
 *   <!-- snippet: file=<repo-relative path> -->  the block's text appears verbatim in that file
 *   <!-- snippet: run=<id> -->                   a test executes the block, found here by its id
 * Tests that execute a block read it with `snippet(id)`, so the text they run is the text a
 * reader copies.
 */
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../support/engine";

export interface Snippet {
  /** Repo-relative path of the document. */
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  /** The block's content, its fence's indentation removed, ending with a newline. */
  text: string;
  marker?: { kind: "file" | "run"; value: string };
  /** A marker-like comment that does not follow the convention (reported, never ignored). */
  malformed?: string;
}

/** The front page and the manual: README.md, then every docs/<topic>.md page. */
export function documentationPages(): string[] {
  const pages = readdirSync(join(REPO_ROOT, "docs"), { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".md"))
    .map((entry) => `docs/${entry.name}`)
    .sort();
  return ["README.md", ...pages];
}

/**
 * README.md, the docs/ pages, ARCHITECTURE.md, every examples/<name>/README.md, the emulator's
 * README and the receiver package's.
 */
export function documents(): string[] {
  const examples = readdirSync(join(REPO_ROOT, "examples"), { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(join(REPO_ROOT, "examples", entry.name, "README.md")),
    )
    .map((entry) => `examples/${entry.name}/README.md`)
    .sort();
  return [
    ...documentationPages(),
    "ARCHITECTURE.md",
    ...examples,
    "emulator/README.md",
    "receiver/README.md",
  ];
}

const FENCE = /^( *)(`{3,}|~{3,})\s*([\w+-]*)[^`]*$/;
const MARKER = /^<!--\s*snippet:\s*(file|run)=(\S+)\s*-->$/;

export function parseSnippets(doc: string, text = readFileSync(join(REPO_ROOT, doc), "utf8")): Snippet[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? "");
    if (!open) continue;
    const [, indent = "", fence = "", lang = ""] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j] ?? "";
      const trimmed = line.trimStart();
      if (trimmed.startsWith(fence) && trimmed.slice(fence.length).trim() === "") break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    const snippet: Snippet = { doc, line: i + 1, lang, text: body.join("\n") + "\n" };
    let k = i - 1;
    while (k >= 0 && (lines[k] ?? "").trim() === "") k--;
    const previous = (lines[k] ?? "").trim();
    const marker = MARKER.exec(previous);
    if (marker) snippet.marker = { kind: marker[1] as "file" | "run", value: marker[2] ?? "" };
    else if (/snippet/i.test(previous) && previous.startsWith("<!--")) snippet.malformed = previous;
    snippets.push(snippet);
    i = j;
  }
  return snippets;
}

export function allSnippets(): Snippet[] {
  return documents().flatMap((doc) => parseSnippets(doc));
}

/** The one block marked `run=<id>` in the documentation. */
export function snippet(id: string): Snippet {
  const found = allSnippets().filter((s) => s.marker?.kind === "run" && s.marker.value === id);
  if (found.length !== 1) throw new Error(`expected one block marked run=${id}, found ${found.length}`);
  return found[0] as Snippet;
}

/** The block's lines that are commands: neither blank nor shell comments. */
export function commandLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** A server a README block started: the port it listens on, what it printed, and how to stop it. */
export interface StartedServer {
  port: number;
  output(): string;
  stop(): void;
}

/**
 * Runs a README block that starts a server, as written but on a free port (its `PORT=8080`
 * becomes `PORT=0`), and resolves once the server prints `listening on port N`. It runs in a
 * process group of its own, which `stop` signals: the block's `npx` or `node` does not pass a
 * SIGTERM on to its child.
 */
export async function startDocumentedServer(
  block: Snippet,
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<StartedServer> {
  const command = block.text.replace(/\bPORT=8080\b/, "PORT=0");
  if (command === block.text) throw new Error(`${block.doc}:${block.line} sets no PORT=8080 to replace`);
  const child = spawn("bash", ["-c", `set -euo pipefail\n${command}`], { ...options, detached: true });
  let output = "";
  const stop = () => {
    if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on port (\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", (code) => reject(new Error(`the server exited (${code}): ${output}`)));
    });
    return { port, output: () => output, stop };
  } catch (error) {
    stop();
    throw error;
  }
}
