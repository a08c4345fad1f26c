// Choosing a step: click (or Enter on) a diagram column sets focus_step; ← / → anywhere in the
// widget but in a text field step through the slides.

/**
 * @param {HTMLElement} root
 * @param {{go: (delta: number) => void, focusStep: (t: number) => void}} actions
 * @returns {() => void} detach
 */
export function attachStepKeys(root, { go, focusStep }) {
  /** @param {EventTarget | null} target */
  const stepOf = (target) => {
    const col = target instanceof Element ? target.closest(".rnnw-diagram [data-step]") : null;
    return col ? Number(col.getAttribute("data-step")) : null;
  };
  const onClick = (/** @type {MouseEvent} */ e) => {
    const t = stepOf(e.target);
    if (Number.isInteger(t)) focusStep(/** @type {number} */ (t));
  };
  const onKey = (/** @type {KeyboardEvent} */ e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    const tag = target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || target.isContentEditable) return;
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      e.preventDefault();
      e.stopPropagation();
      go(e.key === "ArrowRight" ? 1 : -1);
    } else if (e.key === "Enter") {
      const t = stepOf(target);
      if (Number.isInteger(t)) focusStep(/** @type {number} */ (t));
    }
  };
  root.addEventListener("click", onClick);
  root.addEventListener("keydown", onKey);
  return () => {
    root.removeEventListener("click", onClick);
    root.removeEventListener("keydown", onKey);
  };
}
