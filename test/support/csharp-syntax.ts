/**
 * A syntax check for C# without the .NET SDK: tree-sitter's C# grammar, the one VS Code ships
 * (@vscode/tree-sitter-wasm, WebAssembly, so nothing to compile or download at install). It finds
 * what does not parse; it does not resolve names or types, which only a C# compiler does.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Language, Parser, type Node, type Tree } from "@vscode/tree-sitter-wasm";
import { REPO_ROOT } from "./engine";

let csharpParser: Promise<Parser> | undefined;

function loadCsharpParser(): Promise<Parser> {
  csharpParser ??= (async () => {
    await Parser.init();
    const grammar = createRequire(join(REPO_ROOT, "package.json")).resolve(
      "@vscode/tree-sitter-wasm/wasm/tree-sitter-c-sharp.wasm",
    );
    const parser = new Parser();
    parser.setLanguage(await Language.load(readFileSync(grammar)));
    return parser;
  })();
  return csharpParser;
}

/** Parses C# source: its syntax tree and where the parser found errors or missing tokens. */
export async function parseCsharp(source: string): Promise<{ tree: Tree; syntaxErrors: string[] }> {
  const parser = await loadCsharpParser();
  const tree = parser.parse(source);
  if (!tree) throw new Error("tree-sitter returned no tree");
  const syntaxErrors: string[] = [];
  const visit = (node: Node): void => {
    if (node.isError || node.isMissing) {
      const { row, column } = node.startPosition;
      syntaxErrors.push(
        `${node.isMissing ? "missing" : "unexpected"} ${node.type} at ${row + 1}:${column + 1}`,
      );
    }
    for (const child of node.children) if (child) visit(child);
  };
  visit(tree.rootNode);
  return { tree, syntaxErrors };
}
