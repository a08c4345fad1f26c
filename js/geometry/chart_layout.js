// Geometry of the two small charts: the loss curve (loss before each SGD step) and the norms
// ||dh_T/dh_k|| against k (vanishing and exploding gradients). Pure: numbers in, coordinates out.
import { logScale, linearScale, stepTicks, decadesSpanned } from "./scales.js";

export const CHART = { width: 340, height: 200, left: 52, right: 14, top: 26, bottom: 34 };

/** An SVG path through the points, starting a new segment after every gap (null y). */
export function polyline(points) {
  let d = "";
  let pen = false;
  for (const p of points) {
    if (p.y === null || p.y === undefined) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${p.x.toFixed(1)} ${p.y.toFixed(1)} `;
    pen = true;
  }
  return d.trim();
}

const frame = (size) => {
  const s = { ...CHART, ...size };
  return { ...s, x0: s.left, x1: s.width - s.right, y0: s.height - s.bottom, y1: s.top };
};

/**
 * The `loss_curve` trait ({step: [1-based SGD steps], loss: [...]}, thinned by Python) or a plain
 * list of losses, as {step, loss} with numbers only.
 */
export function curveOf(value) {
  const steps = Array.isArray(value) ? value.map((_, i) => i + 1) : value?.step || [];
  const losses = Array.isArray(value) ? value : value?.loss || [];
  const step = [],
    loss = [];
  losses.forEach((v, i) => {
    if (typeof v === "number" && typeof steps[i] === "number") {
      step.push(steps[i]);
      loss.push(v);
    }
  });
  return { step, loss };
}

/**
 * The loss curve: x = SGD step (0 = before the first update), y = loss; a log y axis when the
 * values span more than 2 decades (and are positive), else linear from 0.
 * @param {{step: number[], loss: number[]}|number[]} curve
 */
export function lossCurveLayout(curve, size = {}) {
  const f = frame(size);
  const { step, loss: values } = curveOf(curve);
  const n = Math.max(1, (step.length ? step[step.length - 1] : 1) - 1);
  const log = values.length > 1 && decadesSpanned(values) > 2 && values.every((v) => v > 0);
  const ys = log ? logScale(values, [f.y0, f.y1]) : linearScale(values, [f.y0, f.y1]);
  const xs = stepTicks(n, [f.x0, f.x1]);
  const points = values.map((v, i) => ({ x: xs.map(step[i] - 1), y: ys.map(v), value: v, step: step[i] - 1 }));
  return {
    ...f,
    log,
    xTicks: xs.ticks,
    yTicks: ys.ticks,
    points,
    path: polyline(points),
    last: points.length ? points[points.length - 1] : null,
  };
}

/**
 * ||dh_T/dh_k|| for k = 0..T, one series per layer, on a log y axis (always: the point is to see
 * orders of magnitude). Zeros (a truncated or dead path) are drawn on the floor of the chart.
 * @param {(number[]|null)[]} series per layer, each of length T + 1, or null
 */
export function jacobianLayout(series, size = {}) {
  const f = frame(size);
  const all = series.filter(Array.isArray);
  const T = Math.max(1, ...all.map((s) => s.length - 1));
  const ys = logScale(all.flat(), [f.y0, f.y1]);
  const xs = stepTicks(T, [f.x0, f.x1]);
  const lines = series.map((s, layer) => {
    if (!Array.isArray(s)) return null;
    const points = s.map((v, k) => {
      const y = ys.map(v);
      return { x: xs.map(k), y: y === null ? f.y0 : y, value: v, k, floor: y === null };
    });
    return { layer, points, path: polyline(points) };
  });
  return { ...f, xTicks: xs.ticks, yTicks: ys.ticks, lines, T };
}
