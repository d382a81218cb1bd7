// Charts with uPlot: bars of one value per category, and lines of y per x (one series each).
import uPlot from "uplot";
import { h } from "./dom.js";

const COLORS = ["#7c3aed", "#0891b2", "#ea580c", "#16a34a", "#db2777", "#ca8a04", "#4f46e5", "#64748b"];

function frame(title, chartEl) {
  return h("figure.chart", h("figcaption", title), chartEl);
}

function width(el) {
  return Math.max(320, Math.min(860, (el?.clientWidth || 600) - 60));
}

/** Bars: `labels[i]` on the x axis, `values[i]` as the bar height. */
export function barChart(title, labels, values, { yLabel = "", parent } = {}) {
  const holder = h("div.chart-canvas");
  const xs = labels.map((_, i) => i);
  const bars = uPlot.paths.bars({ size: [0.6, 64], align: 0 });
  const crowded = labels.length > 8;
  const opts = {
    width: width(parent),
    height: 220,
    legend: { show: false },
    cursor: { points: { show: false } },
    scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: { range: (u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
    axes: [
      {
        values: (u, splits) => splits.map((s) => (Number.isInteger(s) ? labels[s] ?? "" : "")),
        splits: () => xs,
        grid: { show: false },
        rotate: crowded ? -50 : 0,
        size: crowded ? 56 : 40,
      },
      { label: yLabel, size: 56 },
    ],
    series: [{}, { label: yLabel, fill: "#7c3aed55", stroke: "#7c3aed", width: 1, paths: bars, points: { show: false } }],
  };
  setTimeout(() => new uPlot(opts, [xs, values], holder), 0);
  return frame(title, holder);
}

/** Lines: `series` is `[{label, points: [[x, y], …]}]`. */
export function lineChart(title, series, { xLabel = "", yLabel = "", parent, points = false } = {}) {
  const holder = h("div.chart-canvas");
  const xs = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const data = [xs, ...series.map((s) => {
    const byX = new Map(s.points.map(([x, y]) => [x, y]));
    return xs.map((x) => (byX.has(x) ? byX.get(x) : null));
  })];
  const opts = {
    width: width(parent),
    height: 240,
    legend: { live: false },
    scales: { x: { time: false } },
    axes: [{ label: xLabel }, { label: yLabel, size: 56 }],
    series: [
      { label: xLabel },
      ...series.map((s, i) => ({
        label: s.label,
        stroke: COLORS[i % COLORS.length],
        width: 2,
        spanGaps: true,
        paths: points ? () => null : undefined,
        points: { show: points || s.points.length < 30, size: points ? 8 : 5, fill: COLORS[i % COLORS.length] },
      })),
    ],
  };
  setTimeout(() => new uPlot(opts, data, holder), 0);
  return frame(title, holder);
}

// Draws each series of an xy chart (uPlot mode 2) as dots or as a polyline, with our own canvas
// path (uPlot's scatter demo does the same).
function xyPaths(kind) {
  return (u, seriesIdx) => {
    uPlot.orient(u, seriesIdx, (series, dataX, dataY, scaleX, scaleY, valToPosX, valToPosY, xOff, yOff, xDim, yDim) => {
      const [xs, ys] = u.data[seriesIdx];
      const path = new Path2D();
      const size = 3.5 * devicePixelRatio;
      for (let i = 0; i < xs.length; i++) {
        const cx = valToPosX(xs[i], scaleX, xDim, xOff);
        const cy = valToPosY(ys[i], scaleY, yDim, yOff);
        if (kind === "points") {
          path.moveTo(cx + size, cy);
          path.arc(cx, cy, size, 0, 2 * Math.PI);
        } else if (i === 0) path.moveTo(cx, cy);
        else path.lineTo(cx, cy);
      }
      const color = series._stroke || series.stroke;
      const stroke = typeof color === "function" ? color(u, seriesIdx) : color;
      u.ctx.save();
      if (kind === "points") {
        u.ctx.globalAlpha = 0.75;
        u.ctx.fillStyle = stroke;
        u.ctx.fill(path);
      } else {
        u.ctx.lineWidth = (series.width || 2) * devicePixelRatio;
        if (series.dash) u.ctx.setLineDash(series.dash.map((d) => d * devicePixelRatio));
        u.ctx.strokeStyle = stroke;
        u.ctx.stroke(path);
      }
      u.ctx.restore();
    });
    return null;
  };
}

/** An xy chart: `series` is `[{label, points: [[x, y], …], dash?}]`, drawn as dots or lines. */
export function xyChart(title, series, { kind = "points", xLabel = "", yLabel = "", parent, range } = {}) {
  const holder = h("div.chart-canvas");
  const data = [null, ...series.map((s) => [s.points.map((p) => p[0]), s.points.map((p) => p[1])])];
  const scale = range ? { time: false, auto: false, range } : { time: false };
  const opts = {
    mode: 2,
    width: width(parent),
    height: kind === "points" ? 320 : 280,
    legend: { live: false },
    cursor: { drag: { setScale: false }, points: { show: false } },
    scales: { x: scale, y: range ? { auto: false, range } : {} },
    axes: [{ label: xLabel }, { label: yLabel, size: 56 }],
    series: [
      null,
      ...series.map((s, i) => ({
        label: s.label,
        stroke: s.color || COLORS[i % COLORS.length],
        width: 2,
        dash: s.dash,
        paths: xyPaths(kind),
        points: { show: false },
        facets: [
          { scale: "x", auto: !range },
          { scale: "y", auto: !range },
        ],
      })),
    ],
  };
  setTimeout(() => new uPlot(opts, data, holder), 0);
  return frame(title, holder);
}
