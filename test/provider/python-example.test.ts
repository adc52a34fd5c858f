/**
 * examples/python, the Python program the documentation shows, against the committed Python SDK.
 * The `pulumi` Python package cannot be installed on the test machine, so neither is imported;
 * instead Python's own parser reads both: the program byte-compiles, every keyword it passes to
 * `Webhook(...)` is a parameter of the SDK's constructor, and every attribute it reads is a
 * property of the SDK's `Webhook`. A renamed input or output in the schema fails here.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/engine";

const run = promisify(execFile);
const PROGRAM = join(REPO_ROOT, "examples", "python", "__main__.py");
const SDK_RESOURCE = join(REPO_ROOT, "sdk", "python", "pulumi_appwrite_webhooks", "webhook.py");

/** Reads both files with Python's ast module and prints what the program uses and what the SDK offers. */
const INSPECT = `
import ast, json, sys
program = ast.parse(open(sys.argv[1]).read())
sdk = ast.parse(open(sys.argv[2]).read())
webhook = next(n for n in sdk.body if isinstance(n, ast.ClassDef) and n.name == "Webhook")
params, props = set(), set()
for fn in webhook.body:
    if isinstance(fn, ast.FunctionDef):
        if fn.name == "__init__":
            params.update(a.arg for a in fn.args.args + fn.args.kwonlyargs)
        decorators = [d.func if isinstance(d, ast.Call) else d for d in fn.decorator_list]
        if any(getattr(d, "attr", getattr(d, "id", "")) == "property" for d in decorators):
            props.add(fn.name)
calls = [n for n in ast.walk(program) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "Webhook"]
targets = set()
for n in ast.walk(program):
    if isinstance(n, ast.Assign) and isinstance(n.value, ast.Call) and n.value in calls:
        targets.update(t.id for t in n.targets if isinstance(t, ast.Name))
used_keywords = sorted({k.arg for c in calls for k in c.keywords})
used_attributes = sorted({n.attr for n in ast.walk(program) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id in targets})
print(json.dumps({"calls": len(calls), "keywords": used_keywords, "attributes": used_attributes, "params": sorted(params), "properties": sorted(props)}))
`;

interface Inspection {
  calls: number;
  keywords: string[];
  attributes: string[];
  params: string[];
  properties: string[];
}

describe("examples/python", () => {
  it("byte-compiles", async () => {
    await run("python3", [
      "-c",
      "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')",
      PROGRAM,
    ]);
  });

  it("passes only the SDK's Webhook inputs and reads only its outputs", async () => {
    const { stdout } = await run("python3", ["-c", INSPECT, PROGRAM, SDK_RESOURCE]);
    const found = JSON.parse(stdout) as Inspection;
    expect(found.calls).toBe(1);
    expect(found.keywords).toEqual(["events", "name", "url"]);
    expect(found.attributes).toEqual(["secret", "webhook_id"]);
    for (const keyword of found.keywords) expect(found.params, `Webhook(${keyword}=...)`).toContain(keyword);
    for (const attribute of found.attributes)
      expect(found.properties, `Webhook.${attribute}`).toContain(attribute);
    // The check has teeth: the SDK's constructor does not take just anything.
    expect(found.params).not.toContain("signing_key");
  });
});
