// Geometry of a matrix drawn as a heat map (large parameters and sequences): when a matrix is
// large, cell sizes, the cell under a point, and moving the keyboard cursor. Pure.

/** Matrices with more cells than this, or a side longer than SMALL_MAX_SIDE, are heat maps. */
export const SMALL_MAX_CELLS = 64;
export const SMALL_MAX_SIDE = 8;
/** A thin sequence (one or two entries a step) stays number cells up to this many steps: a 10 x 1
 * input is ten numbers to read, not a one-pixel heat-map column (the sequence editors pass it). */
export const THIN_MAX_SIDE = 16;

/**
 * @param {number} rows @param {number} cols
 * @param {{thin?: number}} [opts] thin: a matrix with a side of 1 or 2 is a heat map only when its
 *   long side exceeds this (0: the plain rule)
 */
export function isLargeMatrix(rows, cols, { thin = 0 } = {}) {
  if (thin && Math.min(rows, cols) <= 2) return Math.max(rows, cols) > thin;
  return rows * cols > SMALL_MAX_CELLS || rows > SMALL_MAX_SIDE || cols > SMALL_MAX_SIDE;
}

/**
 * Cell size in CSS pixels: square cells filling at most maxWidth x maxHeight, between minCell and
 * maxCell; a thin side (a vector, <= 4 cells) gets wide cells so it stays easy to hit.
 * @returns {{rows: number, cols: number, cellW: number, cellH: number, width: number, height: number}}
 */
export function heatGeometry(rows, cols, { maxWidth = 256, maxHeight = 256, minCell = 3, maxCell = 16, thin = 18 } = {}) {
  const cellFor = (space, n) => Math.max(minCell, Math.min(maxCell, Math.floor(space / Math.max(1, n))));
  const square = Math.min(cellFor(maxWidth, cols), cellFor(maxHeight, rows));
  const cellW = cols <= 4 ? Math.max(square, thin) : square;
  const cellH = rows <= 4 ? Math.max(square, thin) : square;
  return { rows, cols, cellW, cellH, width: cols * cellW, height: rows * cellH };
}

/** The cell at (x, y) relative to the heat map's top left corner, or null outside it. */
export function cellAt(geom, x, y) {
  const c = Math.floor(x / geom.cellW);
  const r = Math.floor(y / geom.cellH);
  if (r < 0 || c < 0 || r >= geom.rows || c >= geom.cols) return null;
  return { r, c };
}

export function cellRect(geom, r, c) {
  return { x: c * geom.cellW, y: r * geom.cellH, w: geom.cellW, h: geom.cellH };
}

/** The keyboard cursor after a key (arrows, Home/End, PageUp/PageDown), clamped; null for other keys. */
export function moveCursor({ r, c }, key, rows, cols, { page = 8 } = {}) {
  const clamp = (v, n) => Math.max(0, Math.min(n - 1, v));
  switch (key) {
    case "ArrowUp":
      return { r: clamp(r - 1, rows), c };
    case "ArrowDown":
      return { r: clamp(r + 1, rows), c };
    case "ArrowLeft":
      return { r, c: clamp(c - 1, cols) };
    case "ArrowRight":
      return { r, c: clamp(c + 1, cols) };
    case "Home":
      return { r, c: 0 };
    case "End":
      return { r, c: cols - 1 };
    case "PageUp":
      return { r: clamp(r - page, rows), c };
    case "PageDown":
      return { r: clamp(r + page, rows), c };
    default:
      return null;
  }
}

/** The colour level of a cell that shows no number (null, NaN): the panel colour. */
export const NO_LEVEL = 127;

/**
 * What decides a cell's colour on the diverging scale (colors.js diverging): 0 for zero, +-1..MAX_MIX
 * for the mix of the positive or negative colour, NO_LEVEL for a cell without a number. Two values
 * with the same level are painted alike, so a heat map repaints only cells whose level changed.
 * @param {unknown} v
 * @param {number} scale the matrix's max |value|
 * @param {number} [maxMix] colors.js MAX_MIX
 */
export function colorLevel(v, scale, maxMix = 60) {
  if (typeof v !== "number" || !Number.isFinite(v)) return NO_LEVEL;
  if (v === 0 || !(scale > 0)) return 0;
  const m = Math.round(Math.sqrt(Math.min(1, Math.abs(v) / scale)) * maxMix);
  return v > 0 ? m : -m;
}

/**
 * In one pass over a matrix (rows of numbers): the smallest and largest finite values (null when
 * there are none), the max |value| (the colour scale, 0 when none) and the scrub step
 * (drag.js scrubStep: 1 for whole numbers, else a tenth of the leading power of ten).
 * @param {ArrayLike<unknown>[]} values
 * @returns {{lo: number | null, hi: number | null, scale: number, step: number}}
 */
export function matrixStats(values) {
  let lo = Infinity;
  let hi = -Infinity;
  let whole = true;
  for (const row of values) {
    for (let j = 0; j < row.length; j++) {
      const v = row[j];
      if (typeof v !== "number" || !Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (whole && !Number.isInteger(v)) whole = false;
    }
  }
  if (lo > hi) return { lo: null, hi: null, scale: 0, step: 0.1 };
  const scale = Math.max(Math.abs(lo), Math.abs(hi));
  const step = whole ? 1 : scale > 0 ? 10 ** (Math.floor(Math.log10(scale)) - 1) : 0.1;
  return { lo, hi, scale, step };
}

/**
 * The colour level of every cell, row by row, into `out` (reused when it has the right length).
 * @param {ArrayLike<unknown>[]} values
 * @param {number} rows
 * @param {number} cols
 * @param {number} scale
 * @param {Int8Array | null} [out]
 */
export function colorLevels(values, rows, cols, scale, out = null) {
  const levels = out && out.length === rows * cols ? out : new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = values[r];
    for (let c = 0; c < cols; c++) levels[r * cols + c] = colorLevel(row?.[c], scale);
  }
  return levels;
}

/** Indices where two level arrays of one length differ. */
export function changedCells(before, after) {
  const out = [];
  for (let i = 0; i < after.length; i++) if (before[i] !== after[i]) out.push(i);
  return out;
}
