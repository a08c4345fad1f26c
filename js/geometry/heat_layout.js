// Geometry of a matrix drawn as a heat map (large parameters and sequences): when a matrix is
// large, cell sizes, the cell under a point, and moving the keyboard cursor. Pure.

/** Matrices with more cells than this, or a side longer than SMALL_MAX_SIDE, are heat maps. */
export const SMALL_MAX_CELLS = 64;
export const SMALL_MAX_SIDE = 8;

export function isLargeMatrix(rows, cols) {
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
