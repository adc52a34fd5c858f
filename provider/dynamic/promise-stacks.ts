/**
 * Registration without the SDK's per-promise stack traces.
 *
 * The Node SDK gives every output property of a resource four promises and stores a stack trace
 * on each (`debuggablePromise`), formatted at once through source-map-support, only for its
 * report of leaked promises. A webhook has about twenty outputs, so that is about eighty
 * source-mapped stack traces per webhook: at 500 webhooks, 5.5 s of the program's 13.8 s of CPU
 * in a no-change preview, and most of what our preview cost beyond a no-op resource's.
 *
 * Registering with `Error.stackTraceLimit = 0` makes those traces empty. The SDK takes the
 * resource's source position with its own limit, so the position in state is unchanged. When
 * `PULUMI_DEBUG_PROMISE_LEAKS` is set, the one case where the SDK prints those traces, nothing
 * changes.
 */
export function suspendPromiseStacks(): () => void {
  if (process.env["PULUMI_DEBUG_PROMISE_LEAKS"]) return () => undefined;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}
