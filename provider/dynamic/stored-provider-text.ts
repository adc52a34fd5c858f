/**
 * The text Pulumi stores as `__provider` in the inputs and the outputs of every Webhook: a
 * CommonJS module whose `handler()` returns the provider object. The dynamic-provider host
 * loads it with `require-from-string` and calls `handler()` once per distinct text per process.
 *
 * It is written by hand rather than produced by Pulumi's closure serializer, which wrapped each
 * of the seven methods in a `with` scope (2.5 KB, about half of a webhook's state), and which
 * loaded a TypeScript parser into the program to produce it. The text loads the runtime
 * (./stored-provider-module) by package name from the program's directory, where the engine starts the
 * provider process, as the program itself resolves it. So it holds no module path (captured
 * modules become resolved file paths that break on upgrade), no secret and no environment
 * value, and every change to the logic reaches existing resources on their next call.
 *
 * Every byte is stored twice per resource: no whitespace, no comment, and the one `require`
 * the serialization test looks for. State written before this text keeps its longer shim,
 * which calls the runtime's named exports (configure, check, diff, create, read, update,
 * remove): they stay, see ./stored-provider-module.
 */
export const PROVIDER_TEXT =
  'exports.handler=function(){return require("module").createRequire(require("path").join(process.cwd(),"package.json"))("pulumi-appwrite-webhooks/runtime").provider}';

/** The same text for a `WebhookSet`: the runtime's `setProvider`, the set's lifecycle. */
export const SET_PROVIDER_TEXT = PROVIDER_TEXT.replace(/\.provider\}$/, ".setProvider}");
