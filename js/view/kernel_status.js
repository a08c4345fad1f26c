// Whether the kernel answers (edit_channel.js): a banner inside the widget when an edit or ping has
// no answer yet ("waiting"); with none for 10 s ("silent": a running cell, or a kernel gone
// without telling) or a comm known closed ("dead") the view turns read-only: number cells
// readonly, buttons and menus disabled, until an answer arrives. What works without Python stays:
// stepping through the slides and the backward pass (buttons and keys), hover linking, the formula
// form. A page with no kernel at all (a static export, rnn_widget/export) is "static". A view whose
// comm is dead from the start (before any answer, wait or silence) is a saved copy (a notebook reopened with its widget
// state): the normal way to read one, so it gets the calm "saved" notice, not the red "dead" one
// kept for a kernel that went away under a live view.

/** @type {Record<string, string>} */
export const KERNEL_TEXT = {
  waiting: "Waiting for the kernel\u2026",
  silent:
    "No answer from the kernel for 10 s: it may be busy (a running cell) or gone. Edits are paused; if it restarted, run the cell again.",
  saved: "A saved copy: read-only until you run the cell. Step through, hover and switch the formula form still work.",
  dead: "Not connected to a kernel: this widget is read-only. Run the cell again to get a live one.",
  static: "A saved copy without a kernel: read-only. Step through it with Prev / Next or the arrow keys; to edit, run it in a notebook.",
};

/** View traits a page changes on its own: the step-through. Without a kernel they stay local. */
export const VIEW_ONLY = ["reveal", "focus_step", "show_grads", "bptt_step", "projector"];

/** Buttons that only move through what the trace already holds (or save a picture of it): never locked. */
const NAVIGATION = ["prev", "next", "all", "grads", "bptt-next", "bptt-prev", "bptt-all", "projector", "picture"];

/**
 * Changes from the page while editing is off: view-only traits are set on the model (every view of
 * it follows), and sent too if the comm may still be there; anything else is dropped.
 * @param {import("@anywidget/types").AnyModel} model
 * @param {Record<string, any>} changes
 * @param {string} status the edit channel's status
 * @returns {boolean} whether anything was applied
 */
export function applyOffline(model, changes, status) {
  const keys = Object.keys(changes).filter((k) => VIEW_ONLY.includes(k));
  if (!keys.length || keys.length !== Object.keys(changes).length) return false;
  for (const k of keys) model.set(k, changes[k]);
  if (status === "silent") {
    try {
      model.save_changes();
    } catch {
      // no comm: the change stays in this page
    }
  }
  return true;
}

/**
 * Stays usable without a kernel: navigation buttons and the gate-form menu.
 * @param {Element} n
 */
function keepsWorking(n) {
  const control = n.getAttribute("data-control");
  if (control === "gate-form" || control === "picture-theme") return true;
  const action = n.getAttribute("data-action");
  return action !== null && (NAVIGATION.includes(action) || action.startsWith("picture-"));
}

/**
 * A text field becomes readonly (it stays focusable and readable), a button or menu disabled.
 * @param {Element} n
 * @param {boolean} on
 */
function setLocked(n, on) {
  if (n instanceof HTMLInputElement || n instanceof HTMLTextAreaElement) n.readOnly = on;
  else if (n instanceof HTMLButtonElement || n instanceof HTMLSelectElement) n.disabled = on;
}

/** @param {string} status what the banner shows */
const isLocked = (status) => status === "dead" || status === "saved" || status === "silent" || status === "static";

/**
 * @param {HTMLElement} root
 * @param {HTMLElement} banner
 * @param {{onLive: () => void}} hooks onLive: editing is back (redraw: some controls stay disabled by their own rules)
 */
export function createKernelStatus(root, banner, { onLive }) {
  let status = "ok";
  let fresh = true; // nothing shown yet: a dead comm now is a saved copy's
  // Number cells readonly, buttons and menus disabled; the gate-form menu is this view's own.
  function lock() {
    root.querySelectorAll("input, button, select, textarea").forEach((n) => {
      if (keepsWorking(n) || n.hasAttribute("data-locked")) return;
      n.setAttribute("data-locked", "");
      setLocked(n, true);
    });
  }
  function unlock() {
    const locked = root.querySelectorAll("[data-locked]");
    if (!locked.length) return;
    locked.forEach((n) => {
      n.removeAttribute("data-locked");
      if (!n.hasAttribute("data-frozen")) setLocked(n, false); // an exercise's numbers stay fixed
    });
    onLive();
  }
  return {
    /**
     * @param {import("../editing/edit_channel.js").LinkStatus} next
     * @param {boolean} [wasLive] whether the kernel ever answered this view: a comm dead from the
     *   start that never did is a saved copy ("saved"); otherwise a kernel gone under a live view
     *   ("dead", also after a silence: a view shown while its kernel was busy)
     */
    show(next, wasLive = true) {
      const shown = next === "dead" && fresh && !wasLive ? "saved" : next;
      fresh = false;
      status = shown;
      const locked = isLocked(shown);
      banner.hidden = shown === "ok";
      banner.textContent = shown === "ok" ? "" : KERNEL_TEXT[shown];
      banner.dataset.status = shown;
      root.classList.toggle("is-readonly", locked);
      if (locked) lock();
      else unlock();
    },
    /** After a redraw: new cells and buttons are locked too while silent or dead. */
    refresh() {
      if (isLocked(status)) lock();
    },
  };
}
