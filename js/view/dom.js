// Small DOM builders. Text is always set with text nodes: user text never reaches innerHTML.

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * @template {Element} E
 * @param {E} el
 * @param {Record<string, any> | null | undefined} attrs
 * @returns {E}
 */
function apply(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.setAttribute("class", Array.isArray(v) ? v.filter(Boolean).join(" ") : v);
    else if (k === "text") el.textContent = String(v);
    else if (k === "style" && typeof v === "object") {
      for (const [p, pv] of Object.entries(v)) /** @type {HTMLElement} */ (/** @type {unknown} */ (el)).style.setProperty(p, pv);
    } else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  return el;
}

/**
 * @template {Node} E
 * @param {E} el
 * @param {any} children
 * @returns {E}
 */
function append(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
  }
  return el;
}

/**
 * HTML element: h("button", {class: "x", onclick: f}, ["Next"])
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {any} [children] strings (as text), nodes, nested arrays; null/false skipped
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, children) {
  return append(apply(document.createElement(tag), attrs), children);
}

/**
 * SVG element.
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {any} [children]
 * @returns {SVGElementTagNameMap[K]}
 */
export function svg(tag, attrs, children) {
  return append(apply(document.createElementNS(SVG_NS, tag), attrs), children);
}

/**
 * @template {Node} E
 * @param {E} el
 * @returns {E}
 */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/**
 * Replace the children of el.
 * @template {Node} E
 * @param {E} el
 * @param {any} children
 * @returns {E}
 */
export function setChildren(el, children) {
  return append(clear(el), children);
}

/**
 * A symbol such as W_hh^T or h_2 as HTML: base text, <sub>, <sup>.
 * @param {{base: string, sub?: string, sup?: string, ref?: string}} sym
 * @param {Record<string, any>} [attrs]
 */
export function symbolEl(sym, attrs = {}) {
  const { class: cls, ...rest } = attrs;
  return h("span", { class: ["rnnw-sym", cls], "data-ref": sym.ref, ...rest }, [
    sym.base,
    sym.sub ? h("sub", {}, [sym.sub]) : null,
    sym.sup ? h("sup", {}, [sym.sup]) : null,
  ]);
}
