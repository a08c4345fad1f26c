// Dragging a number sideways to change it (scrubbing), and the step that drags and arrow keys use.
import { maxAbs } from "../geometry/colors.js";

/** Step for scrubbing and arrow keys: 1 for an all-integer matrix, else one digit below its scale. */
export function scrubStep(values) {
  const flat = [values].flat(Infinity).filter((v) => typeof v === "number" && Number.isFinite(v));
  if (flat.length && flat.every((v) => Number.isInteger(v))) return 1;
  const m = maxAbs(flat);
  if (!(m > 0)) return 0.1;
  return 10 ** (Math.floor(Math.log10(m)) - 1);
}

/** Multiplier from the modifier keys: Shift fine (x0.1), Alt or Ctrl coarse (x10). */
export function modifier(e) {
  if (e.shiftKey) return 0.1;
  if (e.altKey || e.ctrlKey || e.metaKey) return 10;
  return 1;
}

/** Round to the step's decimals, without float noise (0.30000000000000004 -> 0.3). */
export function roundTo(v, step) {
  const decimals = Math.max(0, Math.min(12, -Math.floor(Math.log10(step))));
  const r = Math.round(v / step) * step;
  return Number(r.toFixed(decimals)) || 0;
}

export const PX_PER_STEP = 6;
const THRESHOLD = 3;

/**
 * Make an element scrubbable. While the pointer is down and has moved past a small threshold,
 * every move calls onPreview(value); release calls onCommit(value). A press without movement
 * calls onClick() (the cell then focuses for typing).
 * A focused cell scrubs too once the pointer moves more than 3 px (after Enter the value is
 * committed and selected: a drag means "change it"); a press that does not move is an ordinary
 * click that places the caret. Only while the person is typing (isTyping) does a drag select text.
 * getValue(e) receives the pointerdown event (a heat map reads the cell under it).
 * @param {HTMLElement} el
 * @param {{getValue: (e: PointerEvent) => number, getStep: () => number, onPreview: (v: number) => void,
 *          onCommit: (v: number) => void, onClick?: () => void, isTyping?: () => boolean}} opts
 * @returns {() => void} detach
 */
export function attachScrub(el, { getValue, getStep, onPreview, onCommit, onClick, isTyping }) {
  let drag = null;
  const typing = () => (isTyping ? isTyping() : el.dataset?.editing === "1");
  const down = (e) => {
    if (e.button !== 0) return;
    // a view without a kernel, or an exercise's fixed numbers: nothing to scrub
    if (/** @type {HTMLInputElement} */ (el).readOnly || el.closest(".is-readonly, .is-frozen")) return;
    const focused = document.activeElement === el;
    if (focused && typing()) return; // typing: leave the caret and the selection alone
    if (!focused) e.preventDefault(); // a focused cell keeps the browser's caret placement
    drag = { id: e.pointerId, lastX: e.clientX, startX: e.clientX, value: getValue(e), moved: false, focused };
    if (!focused) el.setPointerCapture?.(e.pointerId);
  };
  const move = (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    if (!drag.moved && Math.abs(e.clientX - drag.startX) <= THRESHOLD) return;
    if (!drag.moved) {
      drag.moved = true;
      drag.lastX = drag.startX;
      el.classList.add("is-scrubbing");
      if (drag.focused) el.setPointerCapture?.(e.pointerId);
    }
    e.preventDefault?.();
    const step = getStep() * modifier(e);
    const dx = e.clientX - drag.lastX;
    drag.lastX = e.clientX;
    drag.value = roundTo(drag.value + (dx / PX_PER_STEP) * step, step);
    onPreview(drag.value);
  };
  const up = (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    const d = drag;
    drag = null;
    el.classList.remove("is-scrubbing");
    if (el.hasPointerCapture?.(e.pointerId)) el.releasePointerCapture(e.pointerId);
    if (d.moved) onCommit(d.value);
    else if (e.type === "pointerup") onClick?.();
  };
  el.addEventListener("pointerdown", down);
  el.addEventListener("pointermove", move);
  el.addEventListener("pointerup", up);
  el.addEventListener("pointercancel", up);
  return () => {
    el.removeEventListener("pointerdown", down);
    el.removeEventListener("pointermove", move);
    el.removeEventListener("pointerup", up);
    el.removeEventListener("pointercancel", up);
  };
}
