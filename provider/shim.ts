/**
 * The provider object Pulumi serializes into every resource's state as `__provider`.
 *
 * It is deliberately a thin shim: each method loads the runtime (./runtime) by package name
 * from the program's directory and delegates. So it captures no module (captured modules are
 * serialized as resolved file paths that break on upgrade), no secret and no environment
 * value (they would sit in state in plain text), and it stays small (about 2.5 KB), since
 * Pulumi stores it once per resource. Rules for anything added here: no imports used at run
 * time, no `#private` fields, no `static {}` blocks, no arrow functions capturing `this`
 * (Pulumi's serializer parses this code with TypeScript 3.8).
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type * as NodeModule from "node:module";
import type * as NodePath from "node:path";
import type * as Runtime from "./runtime";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any --
 * requires run inside the provider process by design, and the dynamic-provider interface is untyped.
 * The engine starts the provider process in the Pulumi program's directory, so the package is
 * resolved from there, as the program itself resolves it. A missing package fails with Node's
 * "Cannot find module 'pulumi-appwrite-webhooks/runtime'".
 *
 * Every byte of the text below is stored twice per resource (inputs and outputs), so comments
 * stay out here and names are short on purpose: `r` loads the runtime; `o`/`n` are the old
 * and new properties, `p` the properties, `i` the id, `c` the configure request.
 */
function r(): typeof Runtime {
  return (require("module") as typeof NodeModule).createRequire(
    (require("path") as typeof NodePath).join(process.cwd(), "package.json"),
  )("pulumi-appwrite-webhooks/runtime") as typeof Runtime;
}

export const webhookProvider: dynamic.ResourceProvider = {
  configure(c: dynamic.ConfigureRequest) {
    return r().configure(c.config);
  },
  check(o: any, n: any) {
    return r().check(o, n);
  },
  diff(i: string, o: any, n: any) {
    return r().diff(i, o, n);
  },
  create(n: any) {
    return r().create(n);
  },
  read(i: string, p: any) {
    return r().read(i, p);
  },
  update(i: string, o: any, n: any) {
    return r().update(i, o, n);
  },
  delete(i: string, p: any) {
    return r().remove(i, p);
  },
};
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
