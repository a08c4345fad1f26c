// One number in an <input>, edited the same way everywhere (the matrix cells, the heat map's
// floating input, a homework answer slot): typing (Enter or leaving commits, Escape puts the
// previous value back), what was typed is parsed and a refusal marks the input (aria-invalid) and
// says why while the previous value stays and nothing is sent, Up/Down nudge by the step (sent when
// the key goes up), and a sideways drag scrubs. The owner keeps the value and draws it.
// `typingOnly` (an answer slot, where every commit costs an attempt): only Enter (or the owner's
// commit(), a Check button) commits; leaving keeps the text, a refused text stays to be corrected,
// no nudging, no scrubbing.
import { formatForEditing } from "../data/format.js";
import { parseNumber } from "../data/parse.js";
import { attachScrub, modifier, roundTo } from "./drag.js";

/**
 * @typedef {object} NumberFieldOptions
 * @property {() => number | null} value the value the field shows now (null: none, an empty answer slot)
 * @property {(v: number) => void} set store a new value and draw it (before it is sent)
 * @property {(v: number | null) => string} format the text the input shows for a value
 * @property {() => number} step scrub and nudge step
 * @property {(v: number, phase: "preview" | "commit") => void} onEdit a new value: "preview" while dragging or nudging, "commit" on release, Enter or leaving
 * @property {(message: string) => void} onMessage a refusal's message ("" clears it)
 * @property {() => boolean} [active] whether the field edits anything now (the heat map's input is open)
 * @property {() => void} [onEscape] after Escape put the previous value back
 * @property {() => void} [onBlur] after leaving the input committed what was typed
 * @property {() => void} [onClick] a press without a drag
 * @property {boolean} [typingOnly] an answer slot: Enter commits, nothing else does (see above)
 */

/**
 * @param {HTMLInputElement} input
 * @param {NumberFieldOptions} o
 * @returns {{commit: () => void, busy: () => boolean, detach: () => void}}
 *   commit: commit what was typed (if anything); busy: typing, dragging or nudging (a value coming
 *   from Python must not overwrite it)
 */
export function attachNumberField(input, o) {
  const active = o.active ?? (() => true);
  let nudging = false;
  const typing = () => input.dataset.editing === "1";
  const clearInvalid = () => {
    input.removeAttribute("aria-invalid");
    o.onMessage("");
  };
  const show = (v) => {
    input.value = o.format(v);
  };

  function commit() {
    if (!active()) return;
    const text = input.value;
    const before = o.value();
    input.dataset.editing = "";
    if (text === o.format(before) || text === formatForEditing(before)) return;
    const parsed = parseNumber(text);
    if (!parsed.ok) {
      input.setAttribute("aria-invalid", "true");
      o.onMessage(parsed.message);
      // the previous value stays displayed (and the trace with it); nothing is sent. An answer
      // slot keeps the text, marked, for the student to correct.
      if (o.typingOnly) input.dataset.editing = "1";
      else show(before);
      return;
    }
    clearInvalid();
    o.set(parsed.value);
    show(parsed.value);
    o.onEdit(parsed.value, "commit");
  }

  const onInput = () => {
    input.dataset.editing = "1";
  };
  const onKeyDown = (/** @type {KeyboardEvent} */ e) => {
    if (!active()) return;
    if (e.key === "Enter") {
      e.preventDefault();
      commit();
      input.select();
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      input.dataset.editing = "";
      show(o.value());
      clearInvalid();
      if (o.onEscape) o.onEscape();
      else input.select();
    } else if ((e.key === "ArrowUp" || e.key === "ArrowDown") && !input.readOnly && !o.typingOnly) {
      e.preventDefault();
      const s = o.step() * modifier(e);
      const v = roundTo((o.value() ?? 0) + (e.key === "ArrowUp" ? s : -s), s);
      input.dataset.editing = "";
      clearInvalid();
      o.set(v);
      show(v);
      nudging = true;
      o.onEdit(v, "preview");
      input.select();
    }
  };
  const onKeyUp = (/** @type {KeyboardEvent} */ e) => {
    if ((e.key === "ArrowUp" || e.key === "ArrowDown") && nudging) {
      nudging = false;
      if (active()) o.onEdit(o.value() ?? 0, "commit");
    }
  };
  const onBlur = () => {
    if (input.dataset.scrubbing === "1") return; // the drag took the pointer, not the person
    if (typing() && !o.typingOnly) commit();
    o.onBlur?.();
  };
  input.addEventListener("input", onInput);
  input.addEventListener("keydown", onKeyDown);
  input.addEventListener("keyup", onKeyUp);
  input.addEventListener("blur", onBlur);
  const scrub = {
    getValue: () => o.value() ?? 0,
    getStep: () => o.step(),
    isTyping: typing,
    onPreview: (v) => {
      if (!active()) return;
      input.dataset.scrubbing = "1";
      o.set(v);
      show(v);
      o.onEdit(v, "preview");
    },
    onCommit: (v) => {
      input.dataset.scrubbing = "";
      if (!active()) return;
      clearInvalid();
      o.set(v);
      show(v);
      o.onEdit(v, "commit");
      if (document.activeElement === input) input.select(); // scrubbed after Enter: ready to type again
    },
    onClick: o.onClick,
  };
  const detachScrub = o.typingOnly ? () => {} : attachScrub(input, scrub);

  return {
    commit,
    busy: () => typing() || input.dataset.scrubbing === "1" || nudging,
    detach() {
      input.removeEventListener("input", onInput);
      input.removeEventListener("keydown", onKeyDown);
      input.removeEventListener("keyup", onKeyUp);
      input.removeEventListener("blur", onBlur);
      detachScrub();
    },
  };
}
