/** Formatting shared by the report's sections. */
import type { CellResult } from "./bench";
import { DOORS, doorSpec, type Door, type Mode } from "./doors";
import type { EngineOp } from "./harness";
import type { Stat } from "./stats";

export const s1 = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : "–");
export const secs = (stat: Stat) =>
  stat.n > 1 ? `${s1(stat.median)} (${s1(stat.min)}–${s1(stat.max)})` : `${s1(stat.median)}`;
export const num = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
export const range = (stat: Stat | undefined, digits = 0) =>
  !stat
    ? "–"
    : stat.n > 1
      ? `${num(stat.median, digits)} (${num(stat.min, digits)}–${num(stat.max, digits)})`
      : num(stat.median, digits);
export const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
export const rule = (count: number) => row(Array(count).fill("---"));

export const DOOR_LABEL = Object.fromEntries(DOORS.map((door) => [door, doorSpec(door).label])) as Record<
  Door,
  string
>;
export const MODE_LABEL: Record<Mode, string> = {
  checkpoints: "checkpoints (default)",
  skip: "`PULUMI_SKIP_CHECKPOINTS=true`",
};
export const label = (cell: CellResult) => `${DOOR_LABEL[cell.door]}, ${MODE_LABEL[cell.mode]}`;
export const ratio = (cell: CellResult, op: EngineOp) =>
  cell.ours[op].ms.n === 0 ? "–" : (cell.ours[op].ms.median / cell.floor[op].ms.median).toFixed(2);
