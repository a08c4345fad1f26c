// Answer slots of an exercise (docs/protocol.md, "Exercises"): an empty input wherever the page
// would show an open blank's number (the diagram, the formula panels, the homework panel). Each is
// a number_field.js in typingOnly mode: the parsing and refusal rules of every number cell; Enter
// (or the blank's Check button) sends {"type": "answer"} through the edit channel. One slot may
// have several inputs (h2 in the diagram and in two formulas): what is typed in one shows in all.
// The status, attempts and hint come from the `homework` trait; what only this view knows (typed
// text, a check waiting for its ack, a refusal) lives here and bumps `rev`.
import { signal } from "@preact/signals-core";
import { h } from "../view/dom.js";
import { formatForEditing } from "../data/format.js";
import { parseNumber } from "../data/parse.js";
import { isOpen, isSpent } from "../data/homework.js";
import { attachNumberField } from "./number_field.js";

/** @typedef {import("../data/protocol.js").Homework} Homework */
/** @typedef {import("../data/protocol.js").HomeworkSlot} HomeworkSlot */
/** @typedef {{input: HTMLInputElement, field: ReturnType<typeof attachNumberField>, where: string}} SlotInput */

export const NOT_SENT = "Not sent: the kernel does not answer (see the message above); your answer is kept.";
export const NO_ACK = "No answer came for this check; press Enter to check again.";

const EMPTY = /** @type {{ok: false, message: string}} */ (parseNumber("")).message;
const format = (/** @type {number | null | undefined} */ v) => (v === null || v === undefined ? "" : formatForEditing(v));

/**
 * @param {{homework: () => Homework | null | undefined, send: (name: string, value: number) => boolean, root: HTMLElement}} opts
 *   homework: the trait now (untracked); send: the answer message (false: not sent); root: the
 *   view's root (an input outside it was drawn over; the root itself may not be in the page yet)
 */
export function createAnswerSlots({ homework, send, root }) {
  /** Bumped when typed text, a pending check or a message changes (the homework panel reads it). */
  const rev = signal(0);
  /** @type {Map<string, string>} */
  const drafts = new Map();
  /** @type {Set<string>} */
  const pending = new Set();
  /** @type {Map<string, string>} */
  const messages = new Map();
  /** @type {Map<string, Set<SlotInput>>} */
  const inputs = new Map();
  /** @type {{name: string, where: string} | null} */
  let lastFocus = null;

  const slotOf = (/** @type {string} */ name) => homework()?.blanks?.find((b) => b.name === name) ?? null;
  const bump = () => {
    rev.value++;
  };
  const shown = (/** @type {HTMLElement} */ input) => root.contains(input);
  const each = (/** @type {string} */ name) => [...(inputs.get(name) ?? [])].filter((e) => shown(e.input));

  /** Put a slot's state on one input: wrong, waiting, refused, spent; its hint as the tooltip. */
  function decorate(/** @type {SlotInput} */ e, /** @type {HomeworkSlot | null} */ slot) {
    const hw = homework();
    const name = e.input.dataset.blank ?? "";
    const message = messages.get(name) ?? "";
    const spent = Boolean(hw && slot && isSpent(hw, slot));
    e.input.classList.toggle("is-wrong", slot?.status === "wrong");
    e.input.classList.toggle("is-pending", pending.has(name));
    e.input.classList.toggle("is-spent", spent);
    if (message) e.input.setAttribute("aria-invalid", "true");
    else e.input.removeAttribute("aria-invalid");
    if (!e.input.hasAttribute("data-locked")) e.input.readOnly = spent || pending.has(name);
    const tip = message || slot?.hint || "";
    if (tip) e.input.title = tip;
    else e.input.removeAttribute("title");
  }

  function decorateAll(/** @type {string} */ name) {
    const slot = slotOf(name);
    for (const e of each(name)) decorate(e, slot);
  }

  function setMessage(/** @type {string} */ name, /** @type {string} */ text) {
    if ((messages.get(name) ?? "") === text) return;
    if (text) messages.set(name, text);
    else messages.delete(name);
    decorateAll(name);
    bump();
  }

  function submit(/** @type {string} */ name, /** @type {number} */ value) {
    if (pending.has(name)) return;
    const slot = slotOf(name);
    const hw = homework();
    if (!slot || !isOpen(slot) || (hw && isSpent(hw, slot))) return;
    if (!send(name, value)) return setMessage(name, NOT_SENT);
    pending.add(name);
    messages.delete(name);
    decorateAll(name);
    bump();
  }

  /**
   * A new input for an open slot (the caller places it; the controller keeps its state).
   * @param {HomeworkSlot} slot
   * @param {{where: string, label?: string, className?: string}} opts where: "diagram", "formula", ...
   * @returns {HTMLInputElement}
   */
  function input(slot, { where, label, className }) {
    const name = slot.name;
    const el = /** @type {HTMLInputElement} */ (
      h("input", {
        class: ["rnnw-answer", className],
        type: "text",
        inputmode: "decimal",
        autocomplete: "off",
        spellcheck: "false",
        placeholder: "?",
        "aria-label": label ?? `answer ${name}`,
        "data-blank": name,
        "data-where": where,
      })
    );
    el.value = drafts.get(name) ?? format(slot.answer);
    if (drafts.has(name)) el.dataset.editing = "1";
    const field = attachNumberField(el, {
      typingOnly: true,
      value: () => slotOf(name)?.answer ?? null,
      set: () => {},
      format,
      step: () => 1,
      onEdit: (v) => submit(name, v),
      onMessage: (text) => setMessage(name, text),
      onEscape: () => {
        drafts.delete(name);
        for (const other of each(name)) if (other.input !== el) other.input.value = el.value;
        el.select();
      },
    });
    el.addEventListener("input", () => {
      drafts.set(name, el.value);
      for (const other of each(name)) {
        if (other.input === el) continue;
        other.input.value = el.value;
        other.input.dataset.editing = "1";
      }
    });
    el.addEventListener("focus", () => {
      lastFocus = { name, where };
    });
    // Leaving it forgets it; being removed (a redraw) does not: refresh() gives the focus back.
    el.addEventListener("blur", () =>
      queueMicrotask(() => {
        if (shown(el) && lastFocus?.name === name && lastFocus.where === where) lastFocus = null;
      }),
    );
    const entry = { input: el, field, where };
    if (!inputs.has(name)) inputs.set(name, new Set());
    inputs.get(name)?.add(entry);
    decorate(entry, slot);
    return el;
  }

  /**
   * Check a blank's slots (the Check button): each slot with text is committed as Enter would;
   * an empty one gets the usual message. Nothing is sent for a refused text.
   * @param {string[]} names
   */
  function check(names) {
    for (const name of names) {
      const slot = slotOf(name);
      const hw = homework();
      if (!slot || !isOpen(slot) || (hw && isSpent(hw, slot)) || pending.has(name)) continue;
      const list = each(name);
      const typed = drafts.get(name);
      const entry = list.find((e) => e.input === document.activeElement) ?? list[0];
      if (entry) {
        if (typed !== undefined) entry.input.value = typed;
        if (entry.input.value.trim() === "") setMessage(name, EMPTY);
        else {
          entry.input.dataset.editing = "1";
          entry.field.commit();
        }
        continue;
      }
      // no input in the page for it: parse the typed text here, by the same rules
      const parsed = parseNumber(typed ?? "");
      if (parsed.ok) submit(name, parsed.value);
      else setMessage(name, parsed.message);
    }
  }

  /**
   * The ack of an answer (or null: it will never come).
   * @param {string} name
   * @param {Record<string, any> | null} ack
   */
  function onAck(name, ack) {
    pending.delete(name);
    if (!ack) messages.set(name, NO_ACK);
    else if (ack.ok === false) messages.set(name, String(ack.error ?? "refused"));
    else {
      messages.delete(name);
      drafts.delete(name);
      for (const e of each(name)) {
        e.input.dataset.editing = "";
        e.input.value = format(ack.status === "right" ? null : slotOf(name)?.answer);
      }
    }
    decorateAll(name);
    bump();
  }

  /** After a redraw: forget removed inputs, show the trait's state, give focus back to a redrawn slot. */
  function refresh() {
    const active = document.activeElement;
    let refocus = null;
    for (const [name, set] of inputs) {
      const slot = slotOf(name);
      for (const e of [...set]) {
        if (!shown(e.input)) {
          e.field.detach();
          set.delete(e);
          continue;
        }
        decorate(e, slot);
        if (!drafts.has(name) && e.input !== active && e.input.dataset.editing !== "1") e.input.value = format(slot?.answer);
        if (lastFocus && lastFocus.name === name && lastFocus.where === e.where) refocus = e.input;
      }
      if (!set.size) inputs.delete(name);
    }
    // The slot that had the focus was drawn anew (a formula is rebuilt on a new trace): focus it
    // again. It closed (right): the next open slot in the same place (diagram, formula, ...), so a
    // student answers h2[1], h2[2], y2 ... with the keyboard alone.
    const lost = !active || active === document.body || !active.isConnected;
    if (!refocus && lost && lastFocus && !isOpen(slotOf(lastFocus.name))) refocus = nextOpen(lastFocus);
    if (refocus && lost && refocus !== active) {
      refocus.focus();
      const end = refocus.value.length;
      refocus.setSelectionRange?.(end, end);
    }
  }

  /** The first open slot after `from` (in the homework's order) with an input where `from` was. */
  function nextOpen(/** @type {{name: string, where: string}} */ from) {
    const place = from.where.split(":")[0];
    const names = (homework()?.blanks ?? []).map((b) => b.name);
    const after = [...names.slice(names.indexOf(from.name) + 1), ...names.slice(0, names.indexOf(from.name))];
    for (const name of after) {
      if (!isOpen(slotOf(name))) continue;
      const e = each(name).find((x) => x.where.split(":")[0] === place && !x.input.readOnly);
      if (e) {
        lastFocus = { name, where: e.where };
        return e.input;
      }
    }
    lastFocus = null;
    return null;
  }

  return {
    rev,
    input,
    check,
    onAck,
    refresh,
    /** @param {string} name */
    message: (name) => messages.get(name) ?? "",
    /** @param {string} name */
    pending: (name) => pending.has(name),
    /** @param {string} name */
    draft: (name) => drafts.get(name),
    destroy() {
      for (const set of inputs.values()) for (const e of set) e.field.detach();
      inputs.clear();
    },
  };
}
