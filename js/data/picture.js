// Pictures of the widget for slides and reports (view/export_picture.js does the DOM work): the two
// themes' colours, which computed styles an exported SVG element carries, colours any SVG reader
// understands, file names, and the standalone SVG text. Pure: no DOM.

/** The widget's colours per theme, forced on a picture whatever the page's theme (widget.css). */
export const THEMES = {
  light: {
    "--rnnw-fg": "#1f2328",
    "--rnnw-fg-muted": "#59636e",
    "--rnnw-bg": "#ffffff",
    "--rnnw-panel": "#f6f8fa",
    "--rnnw-border": "#d1d9e0",
    "--rnnw-border-strong": "#8c959f",
    "--rnnw-cell-bg": "#ffffff",
    "--rnnw-accent": "#0969da",
    "--rnnw-pos": "#d6453d",
    "--rnnw-neg": "#2f6fd0",
    "--rnnw-src": "#1a7f37",
    "--rnnw-dst": "#bf5700",
    "--rnnw-error": "#cf222e",
    "--rnnw-right": "#1a7f37",
    "--rnnw-grad": "#8250df",
    "--rnnw-gate": "#1a7f37",
    "--rnnw-accent-soft": "color-mix(in srgb, var(--rnnw-accent) 14%, transparent)",
    "--rnnw-belt": "color-mix(in srgb, #bf8700 55%, var(--rnnw-bg))",
  },
  dark: {
    "--rnnw-fg": "#e6edf3",
    "--rnnw-fg-muted": "#9198a1",
    "--rnnw-bg": "#0d1117",
    "--rnnw-panel": "#161b22",
    "--rnnw-border": "#3d444d",
    "--rnnw-border-strong": "#656c76",
    "--rnnw-cell-bg": "#0d1117",
    "--rnnw-accent": "#4493f8",
    "--rnnw-pos": "#f0605a",
    "--rnnw-neg": "#4c8df6",
    "--rnnw-src": "#3fb950",
    "--rnnw-dst": "#f0883e",
    "--rnnw-error": "#f85149",
    "--rnnw-right": "#3fb950",
    "--rnnw-grad": "#b58cff",
    "--rnnw-gate": "#3fb950",
    "--rnnw-accent-soft": "color-mix(in srgb, var(--rnnw-accent) 14%, transparent)",
    "--rnnw-belt": "color-mix(in srgb, #d29922 60%, var(--rnnw-bg))",
  },
};

/** @typedef {"light" | "dark"} Theme */

/** The presentation properties an SVG element of the diagram takes from the widget's CSS. */
export const SVG_PROPS = [
  "fill",
  "fill-opacity",
  "stroke",
  "stroke-width",
  "stroke-dasharray",
  "stroke-opacity",
  "stroke-linecap",
  "stroke-linejoin",
  "opacity",
  "font-family",
  "font-size",
  "font-style",
  "font-weight",
  "font-variant-numeric",
  "text-anchor",
  "dominant-baseline",
  "visibility",
  "display",
];

/** Values that need not be written: what an SVG reader assumes when a property is missing. */
const SVG_DEFAULTS = {
  "fill-opacity": "1",
  "stroke-opacity": "1",
  "stroke-dasharray": "none",
  "stroke-linecap": "butt",
  "stroke-linejoin": "miter",
  opacity: "1",
  "font-style": "normal",
  "font-variant-numeric": "normal",
  "text-anchor": "start",
  "dominant-baseline": "auto",
  visibility: "visible",
  display: "inline",
  stroke: "none",
};

/** The HTML properties the formula panel's elements carry into a picture (foreignObject). */
export const HTML_PROPS = [
  "display",
  "box-sizing",
  "color",
  "background-color",
  "font-family",
  "font-size",
  "font-style",
  "font-weight",
  "font-variant-numeric",
  "line-height",
  "letter-spacing",
  "text-transform",
  "text-align",
  "vertical-align",
  "white-space",
  "width",
  "min-width",
  "height",
  "margin",
  "padding",
  "border-top",
  "border-right",
  "border-bottom",
  "border-left",
  "border-radius",
  "box-shadow",
  "grid-template-columns",
  "column-gap",
  "row-gap",
  "gap",
  "align-items",
  "justify-content",
  "flex-direction",
  "flex-wrap",
  "position",
  "top",
  "left",
];

const clamp255 = (/** @type {number} */ v) => Math.max(0, Math.min(255, Math.round(v)));

/**
 * A computed colour as `rgb()`/`rgba()`, which every SVG reader knows. Chromium computes
 * color-mix() as `color(srgb r g b / a)` with channels in 0..1; legacy forms pass through.
 * @param {string} value
 * @returns {string}
 */
export function legacyColor(value) {
  const m = /^color\(srgb\s+([-\d.e]+)\s+([-\d.e]+)\s+([-\d.e]+)(?:\s*\/\s*([-\d.e]+%?))?\s*\)$/i.exec(String(value).trim());
  if (!m) return value;
  const [r, g, b] = [m[1], m[2], m[3]].map((v) => clamp255(Number(v) * 255));
  let a = m[4] === undefined ? 1 : m[4].endsWith("%") ? Number(m[4].slice(0, -1)) / 100 : Number(m[4]);
  a = Math.max(0, Math.min(1, a));
  return a >= 1 ? `rgb(${r}, ${g}, ${b})` : `rgba(${r}, ${g}, ${b}, ${Number(a.toFixed(3))})`;
}

/** Replace every `color(srgb ...)` inside a longer value (a border or a shadow). */
export function legacyColors(value) {
  return String(value).replace(/color\(srgb[^)]*\)/gi, (c) => legacyColor(c));
}

/**
 * The style attribute of one exported element: the listed properties' computed values, without
 * those an SVG reader assumes anyway (svg) and with colours in rgb().
 * @param {(prop: string) => string} computed a computed-style lookup
 * @param {string[]} props
 * @param {{svg?: boolean}} [opts]
 */
export function styleText(computed, props, { svg = true } = {}) {
  const out = [];
  for (const p of props) {
    const v = String(computed(p) ?? "").trim();
    if (!v) continue;
    if (svg && /** @type {Record<string, string>} */ (SVG_DEFAULTS)[p] === v) continue;
    out.push(`${p}:${legacyColors(v)}`);
  }
  return out.join(";");
}

/**
 * A file name from the widget's title: "rnn-by-hand-tom-yeh-diagram-dark.svg".
 * @param {string | null | undefined} title
 * @param {"diagram" | "formula"} what
 * @param {Theme} theme
 * @param {"svg" | "png"} ext
 */
export function pictureFileName(title, what, theme, ext) {
  const stem =
    String(title || "rnn")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "rnn";
  return `${stem}-${what}-${theme}.${ext}`;
}

/**
 * The pixel size of a PNG of a w x h picture at `scale` (2: crisp on slides and HiDPI screens).
 * @param {number} w @param {number} h @param {number} [scale]
 */
export function pngSize(w, h, scale = 2) {
  return { width: Math.max(1, Math.ceil(w * scale)), height: Math.max(1, Math.ceil(h * scale)) };
}

const escapeAttr = (/** @type {string} */ s) => String(s).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/**
 * A standalone SVG document around exported content: its size, a background rectangle in the
 * theme's colour, and `body` (serialized SVG elements, or an XHTML foreignObject when `html`).
 * @param {{width: number, height: number, background: string, body: string, html?: boolean, title?: string}} opts
 */
export function svgDocument({ width, height, background, body, html = false, title = "" }) {
  const w = Math.ceil(width);
  const hh = Math.ceil(height);
  const inner = html
    ? `<foreignObject x="0" y="0" width="${w}" height="${hh}"><div xmlns="http://www.w3.org/1999/xhtml">${body}</div></foreignObject>`
    : body;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${w}" height="${hh}" viewBox="0 0 ${w} ${hh}">` +
    (title ? `<title>${escapeAttr(title)}</title>` : "") +
    `<rect x="0" y="0" width="${w}" height="${hh}" fill="${escapeAttr(legacyColor(background))}"/>` +
    inner +
    "</svg>"
  );
}
