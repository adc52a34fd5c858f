/**
 * The plugin's own start, without the engine: launch → the gRPC port printed on stdout (the
 * handshake the engine waits for), for the Node plugin and the single executable in alternation,
 * so that a change in the machine's load falls on both alike. The engine's figure (launch → first
 * API request, in ./harness) adds the engine's calls before the first request; runs of the two
 * doors minutes apart see different loads, which this one does not.
 */
import { spawn } from "node:child_process";
import { stat, type Stat } from "./stats";

export interface PluginStart {
  samples: number;
  nodeMs: Stat;
  executableMs: Stat;
}

/** Starts `command` and resolves with the ms until its first stdout output, then kills it. */
function timeToPort(command: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const started = performance.now();
    const child = spawn(command, [], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`bench: ${command} exited (${code}) before printing its port\n${stderr}`)),
    );
    child.stdout.once("data", () => {
      const ms = performance.now() - started;
      child.removeAllListeners("exit");
      child.once("exit", () => resolvePort(ms));
      child.kill("SIGKILL");
    });
  });
}

/**
 * `node` is the Node plugin (a script run by the `node` on `path`), `executable` the installed
 * single executable; `samples` of each, alternating which goes first.
 */
export async function measurePluginStart(
  plugins: { node: string; executable: string; path: string },
  samples = 15,
): Promise<PluginStart> {
  const env = { ...process.env, PATH: plugins.path };
  const node: number[] = [];
  const executable: number[] = [];
  for (let i = 0; i < samples; i++) {
    const order = i % 2 === 0 ? (["node", "executable"] as const) : (["executable", "node"] as const);
    for (const which of order) {
      const ms = await timeToPort(plugins[which], env);
      (which === "node" ? node : executable).push(ms);
    }
  }
  return { samples, nodeMs: stat(node), executableMs: stat(executable) };
}
