/**
 * The report's chart, written by hand: one panel per Pulumi operation, time against N (log
 * scale), ours with its min–max range beside its no-op floor, for each door and checkpoint mode. No chart library: the SVG is plain text that diffs well when the report is committed.
 */
import { ENGINE_OPS, type EngineOp } from "./harness";
import type { BenchResults } from "./bench";

const PANEL_W = 300;
const PANEL_H = 230;
const MARGIN = { left: 52, right: 14, top: 30, bottom: 38 };
const COLUMNS = 3;
const LEGEND_H = 46;

const esc = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (value: number) => (Math.round(value * 100) / 100).toString();

/** Round numbers for an axis from 0 to at least `max`. */
function ticks(max: number): number[] {
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const result: number[] = [];
  for (let value = 0; value <= max + step * 0.999; value += step) result.push(Math.round(value * 1e6) / 1e6);
  return result;
}

interface Series {
  label: string;
  color: string;
  dash?: string;
  points: { n: number; y: number; min?: number; max?: number }[];
}

function panel(op: EngineOp, series: Series[], sizes: number[], x0: number, y0: number): string {
  const w = PANEL_W - MARGIN.left - MARGIN.right;
  const h = PANEL_H - MARGIN.top - MARGIN.bottom;
  const yMax = Math.max(...series.flatMap((s) => s.points.map((p) => p.max ?? p.y)), 0.001);
  const yTicks = ticks(yMax);
  const top = yTicks[yTicks.length - 1] ?? yMax;
  const logMin = Math.log10(Math.min(...sizes));
  const logMax = Math.log10(Math.max(...sizes));
  const sx = (n: number) =>
    x0 + MARGIN.left + (logMax === logMin ? w / 2 : ((Math.log10(n) - logMin) / (logMax - logMin)) * w);
  const sy = (value: number) => y0 + MARGIN.top + h - (value / top) * h;
  const parts: string[] = [];
  parts.push(
    `<text x="${x0 + MARGIN.left}" y="${y0 + 18}" font-weight="bold">${esc(op)}</text>`,
    `<line x1="${x0 + MARGIN.left}" y1="${y0 + MARGIN.top + h}" x2="${x0 + MARGIN.left + w}" y2="${y0 + MARGIN.top + h}" stroke="#444"/>`,
    `<line x1="${x0 + MARGIN.left}" y1="${y0 + MARGIN.top}" x2="${x0 + MARGIN.left}" y2="${y0 + MARGIN.top + h}" stroke="#444"/>`,
  );
  for (const value of yTicks) {
    const y = sy(value).toFixed(1);
    parts.push(
      `<line x1="${x0 + MARGIN.left}" y1="${y}" x2="${x0 + MARGIN.left + w}" y2="${y}" stroke="#eee"/>`,
      `<text x="${x0 + MARGIN.left - 6}" y="${(sy(value) + 4).toFixed(1)}" text-anchor="end">${fmt(value)}</text>`,
    );
  }
  for (const n of sizes) {
    parts.push(
      `<text x="${sx(n).toFixed(1)}" y="${y0 + MARGIN.top + h + 16}" text-anchor="middle">${n}</text>`,
    );
  }
  parts.push(
    `<text x="${x0 + MARGIN.left + w / 2}" y="${y0 + PANEL_H - 6}" text-anchor="middle" fill="#555">N webhooks (log scale)</text>`,
    `<text transform="translate(${x0 + 13},${y0 + MARGIN.top + h / 2}) rotate(-90)" text-anchor="middle" fill="#555">seconds</text>`,
  );
  for (const s of series) {
    const path = s.points.map((p, i) => `${i === 0 ? "M" : "L"}${sx(p.n).toFixed(1)},${sy(p.y).toFixed(1)}`);
    parts.push(
      `<path d="${path.join(" ")}" fill="none" stroke="${s.color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ""}/>`,
    );
    for (const p of s.points) {
      if (p.min !== undefined && p.max !== undefined && p.max > p.min) {
        parts.push(
          `<line x1="${sx(p.n).toFixed(1)}" y1="${sy(p.min).toFixed(1)}" x2="${sx(p.n).toFixed(1)}" y2="${sy(p.max).toFixed(1)}" stroke="${s.color}" stroke-width="1.5"/>`,
        );
      }
      parts.push(`<circle cx="${sx(p.n).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
  }
  return parts.join("\n");
}

const CELL_COLORS = ["#1f6feb", "#d4700a", "#2da44e", "#8250df", "#bf3989", "#57606a"];

export function renderSvg(results: BenchResults): string {
  const sizes = results.sizes.map((s) => s.n);
  const rows = Math.ceil(ENGINE_OPS.length / COLUMNS);
  const cells = (results.sizes[0]?.cells ?? []).map((cell, index) => ({
    door: cell.door,
    mode: cell.mode,
    name: `${cell.door}, ${cell.mode === "skip" ? "no checkpoints" : "checkpoints"}`,
    color: CELL_COLORS[index % CELL_COLORS.length] as string,
  }));
  const cellAt = (size: BenchResults["sizes"][number], door: string, mode: string) =>
    size.cells.find((c) => c.door === door && c.mode === mode);
  const legendRows = Math.ceil(cells.length / 2);
  const legendH = LEGEND_H + (legendRows - 1) * 16;
  const width = PANEL_W * COLUMNS;
  const height = legendH + PANEL_H * rows;
  const panels = ENGINE_OPS.map((op, index) => {
    const series: Series[] = cells.flatMap((c) => {
      const measured = results.sizes.filter((s) => (cellAt(s, c.door, c.mode)?.ours[op].ms.n ?? 0) > 0);
      const at = (s: BenchResults["sizes"][number]) => cellAt(s, c.door, c.mode);
      return [
        {
          label: `ours, ${c.name}`,
          color: c.color,
          points: measured.map((s) => ({
            n: s.n,
            y: (at(s)?.ours[op].ms.median ?? 0) / 1000,
            min: (at(s)?.ours[op].ms.min ?? 0) / 1000,
            max: (at(s)?.ours[op].ms.max ?? 0) / 1000,
          })),
        },
        {
          label: `floor, ${c.name}`,
          color: c.color,
          dash: "6 4",
          points: measured.map((s) => ({ n: s.n, y: (at(s)?.floor[op].ms.median ?? 0) / 1000 })),
        },
      ];
    });
    return panel(
      op,
      series,
      sizes,
      (index % COLUMNS) * PANEL_W,
      legendH + Math.floor(index / COLUMNS) * PANEL_H,
    );
  });
  const legend = cells
    .map((item, i) => {
      const x = 12 + (i % 2) * 450;
      const y = 30 + Math.floor(i / 2) * 16;
      return (
        `<line x1="${x}" y1="${y}" x2="${x + 26}" y2="${y}" stroke="${item.color}" stroke-width="2"/>` +
        `<text x="${x + 32}" y="${y + 4}">${esc(`ours (median, bar = min–max), dashed: its no-op floor; ${item.name}`)}</text>`
      );
    })
    .join("\n");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="12" y="16" font-size="13" font-weight="bold">Time against N, latency ${results.options.latencyMs} ms per request, --parallel ${results.options.parallel}</text>`,
    legend,
    ...panels,
    `</svg>`,
    "",
  ].join("\n");
}
