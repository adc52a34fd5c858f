/**
 * The report's section on `WebhookSet` (issue 23): each set door at N = 500 beside its no-op set
 * floor, the dynamic `Webhook` of the same run and OpenTofu's reference figures; where its time
 * goes; its state per entry; and the same at the small N.
 */
import type { BenchResults, CellResult, SizeResult } from "./bench";
import { doorSpec, SET_DOORS, type Door } from "./doors";
import type { EngineOp } from "./harness";
import { PEER } from "./peer";
import { num, row, rule, s1, secs } from "./report-format";
import { SMALL_N, targetSize } from "./targets";

/** The steps of issue 23, in order; `edits` is how many entries the update and the rotation change. */
const setSteps = (edits: number): { op: EngineOp; step: string }[] => [
  { op: "up", step: "`up` creating all, with its preview" },
  { op: "preview", step: "no-change `preview`" },
  { op: "refresh", step: "`refresh`" },
  { op: "edit", step: `update of ${edits} (one field each), with its preview` },
  { op: "rotate", step: `rotation of ${edits} (\`rotationTrigger\`), with its preview` },
  { op: "destroy", step: "`destroy`" },
];

const stepsAt = (results: BenchResults, size: SizeResult) =>
  setSteps(Math.min(results.options.edits, size.n));

const ms = (cell: CellResult | undefined, op: EngineOp, side: "ours" | "floor" = "ours") =>
  cell && cell[side][op].ms.n > 0 ? cell[side][op].ms.median : Number.NaN;

const times = (a: number, b: number) => (Number.isFinite(a / b) ? `${num(a / b, 2)}×` : "–");

/** Where the set's median stands against the peer's range of seconds. */
function againstPeer(oursMs: number, peer: readonly [number, number] | undefined): string {
  if (!peer || !Number.isFinite(oursMs)) return "–";
  const seconds = oursMs / 1000;
  if (seconds < peer[0]) return `**yes**, ${num(peer[0] / seconds, 1)}× faster than its fastest`;
  if (seconds <= peer[1]) return "within its range";
  return `**no**, ${num(seconds / peer[1], 1)}× its slowest`;
}

function stepsTable(results: BenchResults, size: SizeResult, door: Door, set: CellResult): string[] {
  const webhook = size.cells.find((c) => c.door === "dynamic" && c.mode === set.mode);
  const lines = [
    row([
      "step",
      `${PEER.tool.split(" with ")[0]} s (reference)`,
      `${doorSpec(door).label} s (requests)`,
      "no-op set floor s",
      "set ÷ floor",
      "dynamic `Webhook` s",
      "set ÷ `Webhook`",
      "faster than OpenTofu?",
    ]),
    rule(8),
  ];
  for (const { op, step } of stepsAt(results, size)) {
    if (set.ours[op].ms.n === 0) continue;
    const peer = PEER.rows.find((peerRow) => peerRow.op === op)?.seconds;
    lines.push(
      row([
        step,
        peer ? `${peer[0]}–${peer[1]}` : "–",
        `${secs(set.ours[op].ms)} (${num(set.ours[op].requests.median)})`,
        secs(set.floor[op].ms),
        times(ms(set, op), ms(set, op, "floor")),
        webhook && webhook.ours[op].ms.n > 0 ? secs(webhook.ours[op].ms) : "–",
        times(ms(set, op), ms(webhook, op)),
        againstPeer(ms(set, op), peer),
      ]),
    );
  }
  return lines;
}

function requestsAlone(results: BenchResults, size: SizeResult, set: CellResult): string[] {
  const alone = size.setApi;
  if (!alone) return [];
  const concurrency = results.options.setConcurrency;
  const up = alone.create.ms.median + alone.list.ms.median;
  const destroy = alone.delete.ms.median;
  const line = (op: "up" | "destroy", requests: number) =>
    `\`${op}\`: floor ${s1(ms(set, op, "floor"))} s + requests ${s1(requests)} s = ${s1(ms(set, op, "floor") + requests)} s; the set took ${s1(ms(set, op))} s (${times(ms(set, op), ms(set, op, "floor") + requests)}).`;
  return [
    "",
    `Requests alone at the set's concurrency (node-appwrite, ${concurrency} in flight, same emulator and latency): ${size.n} creates ${secs(alone.create.ms)} s, one paged list of the project ${secs(alone.list.ms)} s, ${size.n} deletes ${secs(alone.delete.ms)} s. A set's \`up\` creates every entry and then lists the project once (for the webhooks no entry declares); its \`destroy\` deletes every entry.`,
    "",
    `- ${line("up", up)}`,
    `- ${line("destroy", destroy)}`,
  ];
}

/** CPU by process and the provider's start, per step: where a set's seconds go. */
function whereTimeGoes(results: BenchResults, size: SizeResult, set: CellResult): string[] {
  const cpu = (op: EngineOp, role: string) => s1(set.ours[op].cpuMs[role]?.median ?? 0);
  return [
    "",
    "Where the set's time goes (CPU seconds by process, medians; the provider's start is its process start → the first request):",
    "",
    row([
      "step",
      "wall s",
      "engine CPU s",
      "program CPU s",
      "provider CPU s",
      "emulator, proxy, monitor CPU s",
      "provider start → first request ms",
      "floor wall s",
      "floor engine CPU s",
    ]),
    rule(9),
    ...stepsAt(results, size)
      .filter(({ op }) => set.ours[op].ms.n > 0)
      .map(({ op }) =>
        row([
          op,
          s1(ms(set, op)),
          cpu(op, "engine"),
          cpu(op, "program"),
          cpu(op, "provider"),
          cpu(op, "harness"),
          num(set.ours[op].providerToFirstRequestMs?.median ?? Number.NaN),
          s1(ms(set, op, "floor")),
          s1(set.floor[op].cpuMs["engine"]?.median ?? Number.NaN),
        ]),
      ),
  ];
}

function stateLines(size: SizeResult, set: CellResult): string[] {
  const webhook = size.cells.find((c) => c.door === "dynamic" && c.mode === set.mode);
  const state = set.state.ours;
  return [
    "",
    `State, from the checkpoint after \`up\`: the set's one entry is ${num(state.resourceBytes.median)} B for ${size.n} webhooks, ${num(state.webhookBytes.median)} B per entry, ${num(state.webhookBytesExclUserStrings.median)} B per entry without the user's own strings; the whole checkpoint file ÷ N is ${num(state.checkpointBytesPerResource.median)} B.` +
      (webhook
        ? ` The dynamic \`Webhook\`: ${num(webhook.state.ours.webhookBytes.median)} B per webhook, ${num(webhook.state.ours.webhookBytesExclUserStrings.median)} B without the user's strings.`
        : ""),
    "The user's own strings are every occurrence, as a value or as a map key, of a string the program declared: each entry's name, URL and events, and the entry keys (`wh-<i>`), counted without their quotes. They are taken from the checked inputs in the same checkpoint; secret envelopes are ciphertext and count whole.",
  ];
}

function smallLines(results: BenchResults, door: Door): string[] {
  const small = results.sizes.find((size) => size.n === SMALL_N);
  const set = small?.cells.find((c) => c.door === door && c.mode === "checkpoints");
  const webhook = small?.cells.find((c) => c.door === "dynamic" && c.mode === "checkpoints");
  if (!small || !set) return [];
  return [
    "",
    `At N = ${SMALL_N}, with checkpoints (set ÷ dynamic \`Webhook\`, same run):`,
    "",
    row(["step", "set s", "no-op set floor s", "dynamic `Webhook` s", "set ÷ `Webhook`"]),
    rule(5),
    ...stepsAt(results, small)
      .filter(({ op }) => set.ours[op].ms.n > 0)
      .map(({ op, step }) =>
        row([
          step,
          secs(set.ours[op].ms),
          secs(set.floor[op].ms),
          webhook && webhook.ours[op].ms.n > 0 ? secs(webhook.ours[op].ms) : "–",
          times(ms(set, op), ms(webhook, op)),
        ]),
      ),
  ];
}

export function setSection(results: BenchResults): string[] {
  const big = targetSize(results);
  const lines: string[] = [];
  for (const door of SET_DOORS) {
    const set = big.cells.find((c) => c.door === door && c.mode === "checkpoints");
    if (!set) continue;
    lines.push(
      "",
      `## ${doorSpec(door).label}: all ${big.n} webhooks as one resource`,
      "",
      `N = ${big.n}, with checkpoints (Pulumi's default), this run. Every \`up\` runs with its preview, as users run it (OpenTofu's apply includes its plan too). The no-op set floor is the same program with one dynamic resource holding the same ${big.n} entries and a provider that does nothing. OpenTofu's figures are the reference quoted below (${PEER.source}), not this run; the goal is to be faster on every step.`,
      "",
      ...stepsTable(results, big, door, set),
      ...requestsAlone(results, big, set),
      ...whereTimeGoes(results, big, set),
      ...stateLines(big, set),
      ...smallLines(results, door),
    );
  }
  return lines;
}
