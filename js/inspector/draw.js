// Canvas drawing of the inspector: a map as a heat map (units down, characters across), its
// thumbnail, and one unit's value along the text as a line. jsdom has no canvas: nothing is drawn.
import { context, rgb, sizeCanvas } from "../view/canvas.js";
import { mapPixels } from "./values.js";

/** An offscreen canvas holding map q as T x hidden pixels (null without canvas support). */
export function mapImage(values, q, range, lut, cache) {
  const { T, hidden } = values;
  if (!T) return null;
  const canvas = cache ?? document.createElement("canvas");
  if (canvas.width !== T) canvas.width = T;
  if (canvas.height !== hidden) canvas.height = hidden;
  const ctx = context(canvas);
  if (!ctx) return null;
  const img = ctx.createImageData(T, hidden);
  mapPixels(values.maps[q], T, hidden, range, lut, img.data);
  ctx.putImageData(img, 0, 0);
  return canvas;
}

/**
 * The large heat map: image scaled to cells of cw x rh CSS pixels, characters under the columns
 * when they fit, the followed unit's row framed, the hovered step's column marked.
 * @param {HTMLCanvasElement} canvas
 * @param {HTMLCanvasElement | null} image
 * @param {{T: number, hidden: number, cw: number, rh: number, chars: string[], unit: number, step: number | null, colors: any, labels: boolean}} g
 */
export function drawHeat(canvas, image, g) {
  const axis = g.labels ? 18 : 0;
  const w = Math.max(1, g.T * g.cw);
  const h = g.hidden * g.rh + axis;
  sizeCanvas(canvas, w, h);
  const ctx = context(canvas);
  if (!ctx) return;
  const dpr = canvas.width / w;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  if (image) {
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(image, 0, 0, g.T, g.hidden, 0, 0, g.T * g.cw, g.hidden * g.rh);
  }
  if (g.labels) {
    ctx.fillStyle = rgb(g.colors.muted);
    ctx.font = `${Math.min(13, Math.floor(g.cw * 0.9))}px ui-monospace, monospace`;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    const show = (c) => (c === " " ? "\u2423" : c === "\n" ? "\u21b5" : c);
    for (let t = 0; t < g.T; t++) ctx.fillText(show(g.chars[t]), (t + 0.5) * g.cw, g.hidden * g.rh + 3);
  }
  if (g.step !== null && g.step < g.T) {
    ctx.fillStyle = rgb(g.colors.fg, 0.12);
    ctx.fillRect(g.step * g.cw, 0, Math.max(1, g.cw), g.hidden * g.rh);
  }
  ctx.strokeStyle = rgb(g.colors.fg, 0.85);
  ctx.lineWidth = 1;
  const y = g.unit * g.rh;
  ctx.strokeRect(0.5, y - 1.5, w - 1, g.rh + 2);
}

/** A thumbnail of a map: the whole image squeezed into w x h. */
export function drawThumb(canvas, image, w, h, colors) {
  sizeCanvas(canvas, w, h);
  const ctx = context(canvas);
  if (!ctx) return;
  const dpr = canvas.width / w;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = rgb(colors.bg);
  ctx.fillRect(0, 0, w, h);
  if (image) {
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(image, 0, 0, image.width, image.height, 0, 0, w, h);
  }
}

/**
 * One unit along the text: a line over the same columns as the heat map; the range's ends and
 * middle marked.
 * @param {HTMLCanvasElement} canvas
 * @param {Float32Array} series
 * @param {{cw: number, height: number, range: {lo: number, hi: number}, step: number | null, colors: any}} g
 */
export function drawLine(canvas, series, g) {
  const T = series.length;
  const w = Math.max(1, T * g.cw);
  const h = g.height;
  sizeCanvas(canvas, w, h);
  const ctx = context(canvas);
  if (!ctx) return;
  const dpr = canvas.width / w;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const pad = 6;
  const { lo, hi } = g.range;
  const yOf = (v) => pad + ((hi - Math.max(lo, Math.min(hi, v))) / (hi - lo)) * (h - 2 * pad);
  ctx.strokeStyle = rgb(g.colors.border);
  ctx.lineWidth = 1;
  for (const v of [lo, (lo + hi) / 2, hi]) {
    ctx.beginPath();
    ctx.moveTo(0, Math.round(yOf(v)) + 0.5);
    ctx.lineTo(w, Math.round(yOf(v)) + 0.5);
    ctx.stroke();
  }
  if (g.step !== null && g.step < T) {
    ctx.fillStyle = rgb(g.colors.fg, 0.12);
    ctx.fillRect(g.step * g.cw, 0, Math.max(1, g.cw), h);
  }
  ctx.strokeStyle = rgb(g.colors.accent);
  ctx.lineWidth = 1.6;
  ctx.lineJoin = "round";
  ctx.beginPath();
  for (let t = 0; t < T; t++) {
    const x = (t + 0.5) * g.cw;
    if (t === 0) ctx.moveTo(x, yOf(series[t]));
    else ctx.lineTo(x, yOf(series[t]));
  }
  ctx.stroke();
  if (g.step !== null && g.step < T) {
    ctx.fillStyle = rgb(g.colors.accent);
    ctx.beginPath();
    ctx.arc((g.step + 0.5) * g.cw, yOf(series[g.step]), 3.5, 0, 2 * Math.PI);
    ctx.fill();
  }
}
