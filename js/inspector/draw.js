// Canvas drawing of the inspector: a map as a heat map (units down, characters across), its
// thumbnail, and one unit's value along the text as a line. jsdom has no canvas: nothing is drawn.
import { context, rgb, sizeCanvas } from "../view/canvas.js";
import { mapPixels, thumbPixels } from "./values.js";

/**
 * A map as an offscreen image of T x hidden pixels (null without canvas support). `cache` is the
 * previous image of this map: when its range is the same, only the columns from `from` on are
 * recomputed (a typed character is one column). The pixels are kept in an ImageData with room
 * for more columns than T.
 * @param {import("./values.js").Values} values
 * @param {number} q
 * @param {{lo: number, hi: number}} range
 * @param {Uint8ClampedArray} lut
 * @param {{canvas: HTMLCanvasElement, img: ImageData, range: {lo: number, hi: number}, lut: Uint8ClampedArray} | null} cache
 * @param {number} from
 */
export function mapImage(values, q, range, lut, cache, from = 0) {
  const { T, hidden } = values;
  if (!T) return cache;
  return updateImage(cache, T, hidden, range, lut, from, (data, width, t0) =>
    mapPixels(values.maps[q], T, hidden, range, lut, data, 128, width, t0),
  );
}

/**
 * A coarse preview (values.js Thumbs) as an offscreen image of T x rows pixels, as mapImage: only the
 * columns from `from` on are recomputed when the preview's range and the colour table are the same.
 * @param {import("./values.js").Thumbs} thumbs
 * @param {number} q
 * @param {Uint8ClampedArray} lut
 * @param {any} cache
 * @param {number} from
 */
export function thumbImage(thumbs, q, lut, cache, from = 0) {
  const { T, rows } = thumbs;
  if (!T) return cache;
  return updateImage(cache, T, rows, thumbs.ranges[q], lut, from, (data, width, t0) =>
    thumbPixels(thumbs.codes[q], T, rows, lut, data, 128, width, t0),
  );
}

/**
 * mapImage's and thumbImage's shared work: the offscreen image `cache` (or a new one, twice as wide,
 * when it cannot hold T columns of `rows` rows), its pixels from the first out-of-date column on
 * refilled by `fill` (all of them when the range or the colour table changed), and put on its canvas.
 * Null without canvas support.
 * @param {any} cache
 * @param {number} T
 * @param {number} rows
 * @param {{lo: number, hi: number}} range
 * @param {Uint8ClampedArray} lut
 * @param {number} from
 * @param {(data: Uint8ClampedArray, width: number, t0: number) => void} fill
 */
function updateImage(cache, T, rows, range, lut, from, fill) {
  let c = cache;
  if (!c || c.img.width < T || c.img.height !== rows) {
    const canvas = c?.canvas ?? document.createElement("canvas");
    const ctx = context(canvas);
    if (!ctx) return null;
    const width = Math.max(T, 2 * (c?.img.width ?? 0), 64);
    canvas.width = width;
    canvas.height = rows;
    c = { canvas, img: ctx.createImageData(width, rows), range, lut };
    from = 0;
  }
  const same = c.range.lo === range.lo && c.range.hi === range.hi && c.lut === lut;
  const t0 = same ? Math.min(from, T) : 0;
  c.range = range;
  c.lut = lut;
  fill(c.img.data, c.img.width, t0);
  const ctx = context(c.canvas);
  if (ctx && T > t0) ctx.putImageData(c.img, 0, 0, t0, 0, T - t0, rows);
  return c;
}

/**
 * The large heat map: image scaled to cells of cw x rh CSS pixels, characters under the columns
 * when they fit, the followed unit's row framed, the hovered step's column marked.
 * @param {HTMLCanvasElement} canvas
 * @param {HTMLCanvasElement | null | undefined} image
 * @param {{T: number, hidden: number, cw: number, rh: number, chars: string[], unit: number, step: number | null, colors: any, labels: boolean, rows?: number}} g
 *   rows: the image's rows when it is a coarse preview (fewer than hidden; drawn blurred, never crisp cells)
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
    ctx.imageSmoothingEnabled = g.rows !== undefined;
    ctx.drawImage(image, 0, 0, g.T, g.rows ?? g.hidden, 0, 0, g.T * g.cw, g.hidden * g.rh);
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

/**
 * A thumbnail of a map: its T columns squeezed into w x h.
 * @param {HTMLCanvasElement} canvas
 * @param {HTMLCanvasElement | null | undefined} image
 */
export function drawThumb(canvas, image, T, hidden, w, h, colors) {
  sizeCanvas(canvas, w, h);
  const ctx = context(canvas);
  if (!ctx) return;
  const dpr = canvas.width / w;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = rgb(colors.bg);
  ctx.fillRect(0, 0, w, h);
  if (image && T) {
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(image, 0, 0, T, hidden, 0, 0, w, h);
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
