#!/usr/bin/env node
/**
 * `pulumi-appwrite-webhooks`, the package's one command line. It only dispatches: each
 * subcommand lives in the room that owns its concern, and is loaded when asked for, so that
 * `validate` in CI does not load the emulator and `emulator` does not load the GitOps code.
 *   export | schema | validate   the declaration file (provider/gitops)
 *   emulator                     the local Appwrite webhooks server (emulator/)
 *   trigger                      a signed test event to a receiver (emulator/trigger: the emulator's
 *                                own delivery signs and encodes it); with --stack, the key is read from
 *                                the stack's state by provider/gitops, which knows where state keeps it
 */
const USAGE = `usage: pulumi-appwrite-webhooks <command> [options]
  export     write a live project's webhooks as a declaration file (or into appwrite.config.json)
  schema     print the JSON Schema of the declaration file
  validate   check a declaration file
  emulator   run the local Appwrite webhooks server, 1.9.6 or next (--help for its options)
  trigger    send a signed test event to a receiver (--help for its options)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "export":
    case "schema":
    case "validate":
      return (await import("../provider/gitops/commands.js")).main(argv);
    case "emulator": {
      const emulator = await import("../emulator/cli.js");
      // It keeps running until a signal; its own handler reports a bad option.
      await emulator.runEmulatorCli(rest).catch(emulator.emulatorCliFailed);
      return -1;
    }
    case "trigger": {
      const { runTrigger } = await import("../emulator/trigger/trigger-cli.js");
      return runTrigger(rest, {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        env: process.env,
        readStackWebhook: async (stack, key) =>
          (await import("../provider/gitops/stack-webhook.js")).webhookFromStack(stack, key),
      });
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return command === "--help" || command === "help" ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
