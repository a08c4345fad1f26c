// Linking: hover or focus a value and light up where it comes from (is-src) and where it goes
// (is-dst), in the matrices, the diagram and the formula alike (data-ref, data-from/data-to).
import { related } from "../data/refs.js";

/**
 * @param {HTMLElement} root
 * @param {{trace: () => any, paramNames: () => string[]}} read the newest trace and parameter names
 * @returns {{refresh: () => void, destroy: () => void}} refresh: light up again after a redraw
 */
export function attachLinking(root, { trace, paramNames }) {
  /** @type {string | null} */
  let hoverRef = null;
  let lit = false; // whether anything is lit up now (skip the sweep when nothing is)

  function highlight() {
    const tr = trace();
    if (lit) root.querySelectorAll(".is-hot, .is-src, .is-dst").forEach((n) => n.classList.remove("is-hot", "is-src", "is-dst"));
    lit = false;
    root.classList.toggle("is-linking", Boolean(hoverRef && tr));
    if (!hoverRef || !tr) return;
    lit = true;
    const { sources, targets } = related(hoverRef, { T: tr.T, L: tr.layers.length, hasY: Array.isArray(tr.y), paramNames: paramNames() });
    root.querySelectorAll("[data-ref]").forEach((n) => {
      const r = n.getAttribute("data-ref") ?? "";
      if (r === hoverRef) n.classList.add("is-hot");
      else if (sources.has(r)) n.classList.add("is-src");
      else if (targets.has(r)) n.classList.add("is-dst");
    });
    root.querySelectorAll("[data-from]").forEach((n) => {
      const from = n.getAttribute("data-from") ?? "";
      const to = n.getAttribute("data-to") ?? "";
      if ((to === hoverRef && sources.has(from)) || (from === hoverRef && targets.has(to))) n.classList.add("is-hot");
    });
  }
  /** @param {EventTarget | null} target */
  const refOf = (target) => (target instanceof Element ? (target.closest("[data-ref]")?.getAttribute("data-ref") ?? null) : null);
  const onOver = (/** @type {Event} */ e) => {
    const r = refOf(e.target);
    if (r !== hoverRef) {
      hoverRef = r;
      highlight();
    }
  };
  const onLeave = () => {
    hoverRef = root.contains(document.activeElement) ? refOf(document.activeElement) : null;
    highlight();
  };
  const onFocusOut = (/** @type {FocusEvent} */ e) => {
    if (!(e.relatedTarget instanceof Node) || !root.contains(e.relatedTarget)) {
      hoverRef = null;
      highlight();
    }
  };
  root.addEventListener("pointerover", onOver);
  root.addEventListener("focusin", onOver);
  root.addEventListener("pointerleave", onLeave);
  root.addEventListener("focusout", onFocusOut);
  return {
    refresh() {
      if (hoverRef || lit) highlight();
    },
    destroy() {
      root.removeEventListener("pointerover", onOver);
      root.removeEventListener("focusin", onOver);
      root.removeEventListener("pointerleave", onLeave);
      root.removeEventListener("focusout", onFocusOut);
    },
  };
}
