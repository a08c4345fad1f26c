// An exercise's numbers are fixed (Python refuses edits to them: docs/protocol.md, "Exercises"), so
// its view is read-only for them: the parameter and sequence cells readonly, their buttons, the
// model menus and the gradient options (clip, truncate) disabled. The convention menu, the
// step-through, the gradient view and the answer slots stay live. The homework trait carries no
// flag for this: a view with a non-empty `homework` is an exercise.

/** What an exercise freezes (inside the widget root). */
const FROZEN = [
  ".rnnw-editors input",
  ".rnnw-editors button",
  ".rnnw-editors select",
  ".rnnw-controls select:not([data-control=convention])",
  ".rnnw-gopts input",
  ".rnnw-gopts select",
].join(", ");

/**
 * @param {Element} n
 * @param {boolean} on
 */
function setFrozen(n, on) {
  if (n instanceof HTMLInputElement || n instanceof HTMLTextAreaElement) n.readOnly = on;
  else if (n instanceof HTMLButtonElement || n instanceof HTMLSelectElement) n.disabled = on;
}

/**
 * Freeze (or thaw) the model's numbers; run after every redraw (a redraw may enable a control).
 * @param {HTMLElement} root
 * @param {boolean} exercise
 */
export function applyExerciseLock(root, exercise) {
  root.querySelector(".rnnw-editors")?.classList.toggle("is-frozen", exercise);
  if (exercise) {
    root.querySelectorAll(FROZEN).forEach((n) => {
      if (n.classList.contains("rnnw-answer")) return;
      n.setAttribute("data-frozen", "");
      setFrozen(n, true);
    });
    return;
  }
  root.querySelectorAll("[data-frozen]").forEach((n) => {
    n.removeAttribute("data-frozen");
    if (!n.hasAttribute("data-locked")) setFrozen(n, false);
  });
}
