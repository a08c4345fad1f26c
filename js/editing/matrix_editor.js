// An editable matrix of number cells (each a number_field.js: type, Enter/blur commit, Escape
// reverts, drag sideways to scrub, Up/Down to nudge), Tab between cells. Cells are kept and updated in place, so a value
// coming back from Python never steals focus or a drag in progress.
import { h, setChildren, symbolEl } from "../view/dom.js";
import { formatNumber, formatForEditing } from "../data/format.js";
import { maxAbs, paint } from "../geometry/colors.js";
import { scrubStep } from "./drag.js";
import { attachNumberField } from "./number_field.js";

const show = (v) => formatNumber(v, { digits: 3 });
// A focused cell shows the value as typed text; an unfocused one the short form.
const shown = (input, v) => (document.activeElement === input ? formatForEditing(v) : show(v));

/**
 * @param {{dataRef?: string, onEdit: (r: number, c: number, value: number, phase: "preview"|"commit") => void}} opts
 */
export function createMatrixEditor({ dataRef, onEdit }) {
  const title = h("div", { class: "rnnw-mtitle" });
  const grid = h("div", { class: "rnnw-grid", role: "group" });
  const msg = h("div", { class: "rnnw-msg", role: "status", "aria-live": "polite" });
  const el = h("div", { class: "rnnw-matrix", "data-ref": dataRef }, [title, grid, msg]);
  let cells = []; // [r][c] -> {input, detach}
  let values = [];
  let step = 1;
  let localError = "";
  let externalError = "";

  const showMessage = () => {
    const text = localError || externalError;
    msg.textContent = text;
    el.classList.toggle("has-error", Boolean(text));
  };

  const setCell = (cell, v, scale) => {
    cell.value = v;
    cell.input.value = shown(cell.input, v);
    paint(cell.input, v, scale);
  };

  const makeCell = (r, c) => {
    const input = /** @type {HTMLInputElement} */ (
      h("input", {
        class: "rnnw-cell",
        type: "text",
        inputmode: "decimal",
        autocomplete: "off",
        spellcheck: "false",
        "data-r": r,
        "data-c": c,
      })
    );
    /** @type {{input: HTMLInputElement, value: number, field?: ReturnType<typeof attachNumberField>, detach: () => void}} */
    const cell = { input, value: 0, detach: () => {} };
    const onFocus = () => {
      // Full precision while editing; the cell shows 3 significant digits otherwise.
      if (input.dataset.editing !== "1") input.value = formatForEditing(cell.value);
      input.select();
    };
    input.addEventListener("focus", onFocus);
    const field = attachNumberField(input, {
      value: () => cell.value,
      set: (v) => {
        cell.value = v;
      },
      format: (v) => shown(input, v),
      step: () => step,
      onEdit: (v, phase) => onEdit(r, c, v, phase),
      onMessage: (text) => {
        localError = text;
        showMessage();
      },
      onBlur: () => {
        input.value = show(cell.value);
      },
      onClick: () => input.focus(),
    });
    cell.field = field;
    cell.detach = () => {
      input.removeEventListener("focus", onFocus);
      field.detach();
    };
    return cell;
  };

  /**
   * @param {{values: number[][], symbol: object, hint?: object, shape?: string,
   *          ariaLabel: (r: number, c: number) => string, cellRef?: (r: number, c: number) => string,
   *          cellKey?: (r: number, c: number) => {name: string, r: number, c: number | null},
   *          error?: string, className?: string, inactive?: (r: number, c: number) => boolean, inactiveTitle?: string,
   *          split?: {axis: "row" | "column", at: number} | null}} state
   *   inactive: cells that take no value here (a step with no input): empty, disabled, marked
   *   split: a rule before column (or row) `at`, between the parts of a concatenated gate matrix
   */
  function update(state) {
    const rows = state.values.length;
    const cols = rows ? state.values[0].length : 0;
    values = state.values;
    step = scrubStep(values);
    setChildren(title, [
      symbolEl(state.symbol, { class: "rnnw-mname" }),
      state.hint ? h("span", { class: "rnnw-hint" }, ["= ", symbolEl(state.hint)]) : null,
      state.shape ? h("span", { class: "rnnw-shape" }, [state.shape]) : null,
    ]);
    if (state.className) el.className = `rnnw-matrix ${state.className}`;
    if (cells.length !== rows || (cells[0]?.length ?? 0) !== cols) {
      cells.flat().forEach((c) => c.detach());
      cells = values.map((row, r) => row.map((_, c) => makeCell(r, c)));
      grid.style.setProperty("--rnnw-cols", String(cols));
      setChildren(
        grid,
        cells.flat().map((c) => c.input),
      );
    }
    const scale = maxAbs(values);
    values.forEach((row, r) =>
      row.forEach((v, c) => {
        const cell = cells[r][c];
        cell.input.setAttribute("aria-label", state.ariaLabel(r, c));
        if (state.cellRef) cell.input.setAttribute("data-ref", state.cellRef(r, c));
        const split = state.split;
        cell.input.classList.toggle("is-split-col", split?.axis === "column" && c === split.at);
        cell.input.classList.toggle("is-split-row", split?.axis === "row" && r === split.at);
        const key = state.cellKey?.(r, c);
        if (key) {
          // e2e hooks: the stored name and the row-convention index of what this cell edits
          cell.input.setAttribute("data-name", key.name);
          cell.input.setAttribute("data-r", key.r);
          if (key.c !== undefined && key.c !== null) cell.input.setAttribute("data-c", key.c);
          else cell.input.removeAttribute("data-c");
        }
        const off = Boolean(state.inactive?.(r, c));
        if (off !== cell.input.disabled) {
          cell.input.disabled = off;
          cell.input.classList.toggle("is-noinput", off);
          cell.input.placeholder = off ? "\u2014" : "";
          if (off) cell.input.title = state.inactiveTitle ?? "no input at this step";
          else cell.input.removeAttribute("title");
        }
        if (off) {
          cell.value = v;
          cell.input.value = "";
          cell.input.setAttribute("aria-label", `${state.ariaLabel(r, c)}: ${state.inactiveTitle ?? "no input at this step"}`);
          paint(cell.input, null, scale);
          return;
        }
        // Keep what the person is typing or dragging: the incoming value is older than theirs.
        if (cell.field?.busy()) {
          paint(cell.input, cell.value, scale);
          return;
        }
        setCell(cell, v, scale);
      }),
    );
    externalError = state.error || "";
    showMessage();
  }

  function destroy() {
    cells.flat().forEach((c) => c.detach());
    cells = [];
  }

  return { el, update, destroy, kind: "small", cells: () => cells };
}
