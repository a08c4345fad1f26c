// The formula panel: a formula from data/step_formula.js or data/backward_formula.js as DOM. In an
// exercise, an open blank's entry is an answer input (answer_slots.js) where its number would be.
import { h, setChildren, symbolEl } from "./dom.js";
import { formatNumber, abbreviate } from "../data/format.js";

/**
 * @typedef {object} SlotHooks an exercise's answer slots in a formula
 * @property {(src: any, n: number) => (any[] | null)} slots the slot of each entry of a vector (null: none)
 * @property {(slot: any, where: string) => HTMLElement} input an answer input for an open slot
 */

const isOpenSlot = (/** @type {any} */ s) => s?.status === "open" || s?.status === "wrong";

/** A vector token as "[1, 17]" with each entry in its own span; hidden entries as blank boxes.
 * A long vector is abbreviated: "[0.12, −0.3, …, 0.5] (32 values)".
 * @param {any} tok
 * @param {SlotHooks | null} hooks
 * @param {string} where */
function vecEl(tok, hooks, where) {
  const parts = [h("span", { class: "rnnw-br" }, ["["])];
  const a = abbreviate(tok.values);
  const slots = hooks && tok.src ? hooks.slots(tok.src, tok.values.length) : null;
  a.items.forEach((item, i) => {
    if (i > 0) parts.push(h("span", { class: "rnnw-comma" }, [", "]));
    const j = a.abbreviated && i === a.items.length - 1 ? a.count - 1 : i; // the entry this item shows
    const slot = item === "\u2026" ? null : (slots?.[j] ?? null);
    // a closed slot's value (right or revealed), should the trace lack it
    const v = item === null && !isOpenSlot(slot) && !tok.hidden ? (slot?.value ?? null) : item;
    parts.push(
      v === "\u2026"
        ? h("span", { class: "rnnw-ellipsis" }, ["\u2026"])
        : hooks && isOpenSlot(slot)
          ? hooks.input(slot, `${where}:${j}`)
          : v === null
            ? h("span", { class: "rnnw-blank", "aria-label": "hidden" }, ["\u2007\u2007"])
            : h("span", { class: ["rnnw-num", slot?.status === "right" && "is-right", slot?.status === "revealed" && "is-revealed"] }, [
                formatNumber(v),
              ]),
    );
  });
  parts.push(h("span", { class: "rnnw-br" }, ["]"]));
  if (a.abbreviated) parts.push(h("span", { class: "rnnw-count" }, [` (${a.count} values)`]));
  return h("span", { class: ["rnnw-vec", tok.hidden && "is-hidden"], "data-ref": tok.ref, tabindex: tok.ref ? 0 : undefined }, parts);
}

/** A small matrix written out (seed 004's concatenated W_g), one row per line, in brackets; a
 * large one as its shape only (the parameter editors show its numbers). */
function matEl(tok) {
  const rows = tok.rows.length;
  const cols = tok.rows[0]?.length ?? 0;
  if (rows > 6 || cols > 6) return h("span", { class: "rnnw-fmat-big" }, [`[${rows}\u00d7${cols} matrix]`]);
  return h(
    "span",
    { class: "rnnw-fmat", style: { "--rnnw-cols": String(cols) } },
    tok.rows.flat().map((v) => h("span", { class: "rnnw-num" }, [formatNumber(v)])),
  );
}

/** @param {any} tok @param {SlotHooks | null} [hooks] @param {string} [where] */
function tokenEl(tok, hooks = null, where = "") {
  if (tok.t === "sym") return symbolEl(tok, { tabindex: tok.ref ? 0 : undefined });
  if (tok.t === "vec") return vecEl(tok, hooks, where);
  if (tok.t === "mat") return matEl(tok);
  if (tok.t === "fn") return h("span", { class: "rnnw-fn" }, [tok.text]);
  const open = tok.text === "(" || tok.text === "[";
  const close = tok.text === ")" || tok.text === "]" || tok.text === ",";
  return h("span", { class: ["rnnw-op", (tok.text === "(" || tok.text === ")") && "is-paren", open && "is-open", close && "is-close"] }, [
    tok.text,
  ]);
}

/**
 * Render the formula (from stepFormula) into el: lhs = row0, then "= row_i" lines aligned.
 * @param {HTMLElement} el
 * @param {{step: number, blocks: any[]}} formula
 * @param {{heading?: string, tools?: HTMLElement | null, empty?: string, slots?: SlotHooks | null, where?: string}} [opts]
 *   slots: an exercise's answer slots; where: names this panel in the slots' keys ("formula")
 */
export function renderFormula(el, formula, { heading, tools = null, empty = "No step to show", slots = null, where = "formula" } = {}) {
  const blocks = formula.blocks.map((b) => {
    const lines = b.rows.map((row, i) =>
      h("div", { class: "rnnw-fline" }, [
        h("span", { class: "rnnw-flhs" }, i === 0 ? b.lhs.map((tok) => tokenEl(tok)) : []),
        h("span", { class: "rnnw-feq" }, ["="]),
        h(
          "span",
          { class: "rnnw-frhs" },
          row.map((tok, k) => tokenEl(tok, slots, `${where}:${b.key}:${i}:${k}`)),
        ),
      ]),
    );
    return h("div", { class: "rnnw-fblock", "data-block": b.key }, lines);
  });
  const title = h("div", { class: "rnnw-panel-title" }, [heading ?? `Step ${formula.step + 1}`]);
  setChildren(el, [
    tools ? h("div", { class: "rnnw-panel-head" }, [title, tools]) : title,
    blocks.length ? blocks : h("div", { class: "rnnw-empty" }, [empty]),
  ]);
}
