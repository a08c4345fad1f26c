// Whether the kernel answers (edit_channel.js): a banner inside the widget when an edit or ping has
// no answer yet ("waiting"); with none for 10 s ("silent": a running cell, or a kernel gone
// without telling) or a comm known closed ("dead") the view turns read-only: number cells
// readonly, buttons and menus disabled, until an answer arrives.

/** @type {Record<string, string>} */
export const KERNEL_TEXT = {
  waiting: "Waiting for the kernel\u2026",
  silent:
    "No answer from the kernel for 10 s: it may be busy (a running cell) or gone. Edits are paused; if it restarted, run the cell again.",
  dead: "Not connected to a kernel: this widget is read-only. Run the cell again to get a live one.",
};

/**
 * A text field becomes readonly (it stays focusable and readable), a button or menu disabled.
 * @param {Element} n
 * @param {boolean} on
 */
function setLocked(n, on) {
  if (n instanceof HTMLInputElement || n instanceof HTMLTextAreaElement) n.readOnly = on;
  else if (n instanceof HTMLButtonElement || n instanceof HTMLSelectElement) n.disabled = on;
}

/**
 * @param {HTMLElement} root
 * @param {HTMLElement} banner
 * @param {{onLive: () => void}} hooks onLive: editing is back (redraw: some controls stay disabled by their own rules)
 */
export function createKernelStatus(root, banner, { onLive }) {
  let status = "ok";
  // Number cells readonly, buttons and menus disabled; the gate-form menu is this view's own.
  function lock() {
    root.querySelectorAll("input, button, select, textarea").forEach((n) => {
      if (n.getAttribute("data-control") === "gate-form" || n.hasAttribute("data-locked")) return;
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
    /** @param {import("../editing/edit_channel.js").LinkStatus} next */
    show(next) {
      status = next;
      const locked = next === "dead" || next === "silent";
      banner.hidden = next === "ok";
      banner.textContent = next === "ok" ? "" : KERNEL_TEXT[next];
      banner.dataset.status = next;
      root.classList.toggle("is-readonly", locked);
      if (locked) lock();
      else unlock();
    },
    /** After a redraw: new cells and buttons are locked too while silent or dead. */
    refresh() {
      if (status === "dead" || status === "silent") lock();
    },
  };
}
