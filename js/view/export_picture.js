// Export a picture of the diagram or the formula panel: a standalone SVG (every style inlined, in
// the light or dark palette whatever the page's theme) or a PNG at 2x drawn from it on a canvas.
// The large-network diagram (a canvas) exports as PNG only. Pure parts in data/picture.js.
import { h } from "./dom.js";
import { HTML_PROPS, SVG_PROPS, THEMES, pictureFileName, pngSize, styleText, svgDocument } from "../data/picture.js";

/** @typedef {import("../data/picture.js").Theme} Theme */

/**
 * A clone of `el` laid out inside the widget (so its CSS applies) under the theme's colours,
 * off screen; `use(clone)` reads it, then the holder goes.
 * @template T
 * @param {HTMLElement} root @param {Element} el @param {Theme} theme @param {(clone: Element, holder: HTMLElement) => T} use
 * @returns {T}
 */
function withThemedClone(root, el, theme, use) {
  const style = /** @type {Record<string, string>} */ ({ position: "fixed", left: "-20000px", top: "0", ...THEMES[theme] });
  style.color = "var(--rnnw-fg)";
  style.background = "var(--rnnw-bg)";
  // the clone keeps its ancestors' classes, so that rules like `.rnnw .rnnw-fcol .x` still match
  const holder = h("div", { class: "rnnw-picture-holder", "aria-hidden": "true", style });
  const clone = /** @type {Element} */ (el.cloneNode(true));
  if (clone instanceof HTMLElement) {
    // the whole panel, not the part its scroll box shows
    for (const [k, v] of Object.entries({ width: "max-content", "max-width": "none", "max-height": "none", overflow: "visible" }))
      clone.style.setProperty(k, v);
  }
  // what the pointer hovers (linking.js) is no part of a picture
  for (const x of [clone, ...clone.querySelectorAll(".is-hot, .is-src, .is-dst")]) x.classList.remove("is-hot", "is-src", "is-dst");
  holder.appendChild(clone);
  root.appendChild(holder);
  try {
    return use(clone, holder);
  } finally {
    holder.remove();
  }
}

/** Copy the computed style of `src` and each descendant onto `dst` (the same tree), as style attributes. */
function inlineStyles(src, dst, props, svg) {
  const a = [src, ...src.querySelectorAll("*")];
  const b = [dst, ...dst.querySelectorAll("*")];
  a.forEach((node, i) => {
    const target = b[i];
    if (!target) return;
    const cs = getComputedStyle(node);
    const text = styleText((p) => cs.getPropertyValue(p), props, { svg });
    target.removeAttribute("class");
    for (const at of [...target.attributes]) if (at.name.startsWith("data-") || at.name === "tabindex") target.removeAttribute(at.name);
    if (text) target.setAttribute("style", text);
    else target.removeAttribute("style");
  });
}

/** Answer inputs and such: HTML inside the SVG diagram (foreignObject) has no place in a picture. */
const dropForeign = (/** @type {Element} */ el) => el.querySelectorAll("foreignObject").forEach((f) => f.remove());

/**
 * The diagram (an SVG element of the widget) as a standalone SVG text in `theme`.
 * @param {HTMLElement} root the widget's root (.rnnw) @param {SVGSVGElement} svgEl @param {Theme} theme
 */
export function diagramSvg(root, svgEl, theme) {
  const width = Number(svgEl.getAttribute("width")) || svgEl.getBoundingClientRect().width;
  const height = Number(svgEl.getAttribute("height")) || svgEl.getBoundingClientRect().height;
  return withThemedClone(root, svgEl, theme, (clone, holder) => {
    const out = /** @type {SVGSVGElement} */ (clone.cloneNode(true));
    inlineStyles(clone, out, SVG_PROPS, true);
    dropForeign(out);
    const body = [...out.childNodes].map((n) => new XMLSerializer().serializeToString(n)).join("");
    const background = getComputedStyle(holder).backgroundColor;
    return svgDocument({ width, height, background, body, title: svgEl.getAttribute("aria-label") || "RNN diagram" });
  });
}

/**
 * An HTML part (the formula panel) as a standalone SVG text: its DOM with inlined styles in a
 * foreignObject.
 * @param {HTMLElement} root @param {HTMLElement} el @param {Theme} theme
 */
export function htmlSvg(root, el, theme) {
  return withThemedClone(root, el, theme, (clone, holder) => {
    const box = clone.getBoundingClientRect();
    const out = /** @type {HTMLElement} */ (clone.cloneNode(true));
    inlineStyles(clone, out, HTML_PROPS, false);
    out.querySelectorAll("select, button").forEach((x) => x.remove()); // the form menu is no part of a picture
    out.style.setProperty("margin", "0");
    const body = new XMLSerializer().serializeToString(out);
    const background = getComputedStyle(holder).backgroundColor;
    return svgDocument({ width: box.width, height: box.height, background, body, html: true, title: "RNN formula" });
  });
}

/**
 * A PNG (Blob) of an SVG text at `scale`, drawn through an image on a canvas.
 * @param {string} svgText @param {number} width @param {number} height @param {number} [scale]
 * @returns {Promise<Blob>}
 */
export function svgToPng(svgText, width, height, scale = 2) {
  const size = pngSize(width, height, scale);
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => {
      const canvas = h("canvas", { width: size.width, height: size.height });
      const ctx = canvas.getContext("2d");
      if (!ctx) return reject(new Error("no 2d canvas"));
      ctx.drawImage(img, 0, 0, size.width, size.height);
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("the canvas gave no PNG"))), "image/png");
    };
    img.onerror = () => reject(new Error("the picture could not be drawn"));
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  });
}

/**
 * The large-network diagram (canvas strip + SVG overlay) as a PNG at 2x of its drawn area, in the
 * page's theme (the canvas draws what is on screen).
 * @param {HTMLElement} box the .rnnw-cdiagram element
 * @returns {Promise<Blob>}
 */
export async function canvasDiagramPng(box) {
  // the canvas draws only what its scroll box shows: widen the box for a moment so all of it is drawn
  const scroller = /** @type {HTMLElement | null} */ (box.parentElement);
  const saved = scroller ? { style: scroller.getAttribute("style"), left: scroller.scrollLeft } : null;
  if (scroller) {
    scroller.scrollLeft = 0;
    for (const [k, v] of Object.entries({ width: `${box.offsetWidth + 24}px`, "max-width": "none", overflow: "visible" }))
      scroller.style.setProperty(k, v);
    for (let i = 0; i < 4; i++) await new Promise((r) => requestAnimationFrame(() => r(null)));
  }
  try {
    return await drawCanvasDiagram(box);
  } finally {
    if (scroller && saved) {
      if (saved.style === null) scroller.removeAttribute("style");
      else scroller.setAttribute("style", saved.style);
      scroller.scrollLeft = saved.left;
    }
  }
}

/** @param {HTMLElement} box @returns {Promise<Blob>} */
async function drawCanvasDiagram(box) {
  const canvas = /** @type {HTMLCanvasElement | null} */ (box.querySelector("canvas"));
  const overlay = /** @type {SVGSVGElement | null} */ (box.querySelector("svg"));
  const rect = box.getBoundingClientRect();
  const w = Math.max(rect.width, box.scrollWidth);
  const hh = Math.max(rect.height, box.scrollHeight);
  const size = pngSize(w, hh, 2);
  const out = h("canvas", { width: size.width, height: size.height });
  const ctx = out.getContext("2d");
  if (!ctx) throw new Error("no 2d canvas");
  ctx.fillStyle = getComputedStyle(box).getPropertyValue("--rnnw-bg") || "#fff";
  ctx.fillRect(0, 0, size.width, size.height);
  ctx.scale(2, 2);
  if (canvas) {
    const cr = canvas.getBoundingClientRect();
    ctx.drawImage(canvas, cr.left - rect.left + box.scrollLeft, cr.top - rect.top, cr.width, cr.height);
  }
  if (overlay) {
    const theme = /** @type {Theme} */ (isDark(box) ? "dark" : "light");
    const root = /** @type {HTMLElement} */ (box.closest(".rnnw"));
    const text = diagramSvg(root, overlay, theme).replace(/<rect x="0" y="0"[^>]*\/>/, ""); // keep the canvas under it
    const img = await loadImage(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`);
    ctx.drawImage(img, 0, 0, Number(overlay.getAttribute("width")) || w, Number(overlay.getAttribute("height")) || hh);
  }
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error("no PNG"))), "image/png"));
}

/** @param {string} src @returns {Promise<HTMLImageElement>} */
function loadImage(src) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error("the picture could not be drawn"));
    img.src = src;
  });
}

/** Whether the widget shows its dark colours now (the luminance of its background). */
export function isDark(/** @type {Element} */ el) {
  const m = /rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(
    getComputedStyle(el).getPropertyValue("--rnnw-bg") || getComputedStyle(el).backgroundColor,
  );
  if (!m) return false;
  return 0.2126 * Number(m[1]) + 0.7152 * Number(m[2]) + 0.0722 * Number(m[3]) < 128;
}

/** Save a Blob as a file through a download link. */
export function download(/** @type {Blob} */ blob, /** @type {string} */ name) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Make and save one picture.
 * @param {{root: HTMLElement, what: "diagram" | "formula", format: "svg" | "png", theme: Theme, title: string}} opts
 */
export async function savePicture({ root, what, format, theme, title }) {
  const name = pictureFileName(title, what, theme, format);
  if (what === "diagram") {
    const compact = /** @type {HTMLElement | null} */ (root.querySelector(".rnnw-diagram-box .rnnw-cdiagram"));
    if (compact) {
      download(await canvasDiagramPng(compact), pictureFileName(title, what, isDark(compact) ? "dark" : "light", "png"));
      return;
    }
    const svgEl = /** @type {SVGSVGElement | null} */ (root.querySelector(".rnnw-diagram-box svg.rnnw-diagram"));
    if (!svgEl) throw new Error("no diagram to save");
    const text = diagramSvg(root, svgEl, theme);
    const w = Number(svgEl.getAttribute("width"));
    const hh = Number(svgEl.getAttribute("height"));
    download(format === "svg" ? new Blob([text], { type: "image/svg+xml" }) : await svgToPng(text, w, hh), name);
    return;
  }
  const panel = /** @type {HTMLElement | null} */ (root.querySelector(".rnnw-fcol .rnnw-formula"));
  if (!panel) throw new Error("no formula to save");
  const text = htmlSvg(root, panel, theme);
  const m = /width="(\d+)" height="(\d+)"/.exec(text);
  download(format === "svg" ? new Blob([text], { type: "image/svg+xml" }) : await svgToPng(text, Number(m?.[1]), Number(m?.[2])), name);
}
