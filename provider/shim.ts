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
 * "Cannot find module 'pulumi-appwrite-webhooks/runtime'". Every byte of the function bodies
 * below is stored per resource, so comments stay out here.
 */
function runtime(): typeof Runtime {
  return (require("module") as typeof NodeModule).createRequire(
    (require("path") as typeof NodePath).join(process.cwd(), "package.json"),
  )("pulumi-appwrite-webhooks/runtime") as typeof Runtime;
}

export const webhookProvider: dynamic.ResourceProvider = {
  configure(req: dynamic.ConfigureRequest) {
    return runtime().configure(req.config);
  },
  check(olds: any, news: any) {
    return runtime().check(olds, news);
  },
  diff(id: string, olds: any, news: any) {
    return runtime().diff(id, olds, news);
  },
  create(inputs: any) {
    return runtime().create(inputs);
  },
  read(id: string, props: any) {
    return runtime().read(id, props);
  },
  update(id: string, olds: any, news: any) {
    return runtime().update(id, olds, news);
  },
  delete(id: string, props: any) {
    return runtime().remove(id, props);
  },
};
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
