// Drawing helpers for the canvas forms (heat maps, the compact diagram): theme colours resolved
// from the CSS custom properties, the diverging scale as canvas colours, a canvas sized for the
// device pixel ratio. jsdom has no canvas: context() is null there and drawing is skipped.
import { diverging } from "../geometry/colors.js";

const parsed = new Map();
let probe = null;

/**
 * "#d6453d", "rgb(1, 2, 3)", "white" -> [r, g, b] (through the canvas's own colour parser).
 * @param {string | null | undefined} text
 * @param {number[] | null} [fallback]
 * @returns {number[] | null}
 */
export function parseColor(text, fallback = [128, 128, 128]) {
  const key = String(text || "").trim();
  if (!key) return fallback;
  if (parsed.has(key)) return parsed.get(key);
  let rgb = null;
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(key);
  if (hex) {
    const s = hex[1].length === 3 ? hex[1].replace(/./g, "$&$&") : hex[1];
    rgb = [0, 2, 4].map((i) => parseInt(s.slice(i, i + 2), 16));
  } else {
    const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(key);
    if (m) rgb = [m[1], m[2], m[3]].map(Number);
    else if (typeof document !== "undefined") {
      probe ??= context(document.createElement("canvas"));
      if (probe) {
        probe.fillStyle = "#000";
        probe.fillStyle = key;
        const back = String(probe.fillStyle);
        if (back !== key) rgb = parseColor(back, null);
      }
    }
  }
  const out = rgb ?? fallback;
  if (rgb) parsed.set(key, rgb);
  return out;
}

/** @type {Record<string, [string, number[]]>} */
const VARS = {
  pos: ["--rnnw-pos", [214, 69, 61]],
  neg: ["--rnnw-neg", [47, 111, 208]],
  bg: ["--rnnw-cell-bg", [255, 255, 255]],
  border: ["--rnnw-border", [200, 200, 200]],
  strong: ["--rnnw-border-strong", [120, 120, 120]],
  fg: ["--rnnw-fg", [30, 30, 30]],
  muted: ["--rnnw-fg-muted", [110, 110, 110]],
  panel: ["--rnnw-panel", [246, 246, 246]],
  grad: ["--rnnw-grad", [140, 60, 200]],
  accent: ["--rnnw-accent", [25, 118, 210]],
  dst: ["--rnnw-dst", [46, 125, 50]],
};

/** The theme's colours as [r, g, b], read from an element inside the widget root. */
export function themeColors(el) {
  const style = typeof getComputedStyle === "function" && el?.isConnected ? getComputedStyle(el) : null;
  const out = {};
  for (const [k, [name, fb]] of Object.entries(VARS)) out[k] = parseColor(style?.getPropertyValue(name), fb);
  return out;
}

export const rgb = (c, a = 1) => (a >= 1 ? `rgb(${c[0]},${c[1]},${c[2]})` : `rgba(${c[0]},${c[1]},${c[2]},${a})`);

/** The diverging colour of v as CSS color-mix(in srgb, pos|neg mix%, bg) computes it. Pure. */
export function cellColor(v, scale, colors) {
  const d = diverging(v, scale);
  if (d.sign !== "pos" && d.sign !== "neg") return d.sign === "none" ? null : colors.bg;
  const c = d.sign === "pos" ? colors.pos : colors.neg;
  const k = d.mix / 100;
  return [0, 1, 2].map((i) => Math.round(colors.bg[i] + (c[i] - colors.bg[i]) * k));
}

const isJsdom = () => typeof navigator !== "undefined" && /jsdom/i.test(navigator.userAgent || "");

/** A 2D context, or null where there is no canvas (jsdom, tests). */
export function context(canvas) {
  if (isJsdom()) return null;
  try {
    return canvas.getContext("2d");
  } catch {
    return null;
  }
}

/** Size a canvas to w x h CSS pixels at the device pixel ratio; returns the ratio. */
export function sizeCanvas(canvas, w, h) {
  const dpr = (typeof window !== "undefined" && window.devicePixelRatio) || 1;
  const W = Math.max(1, Math.round(w * dpr));
  const H = Math.max(1, Math.round(h * dpr));
  if (canvas.width !== W) canvas.width = W;
  if (canvas.height !== H) canvas.height = H;
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  return dpr;
}
