// An editable matrix of number cells: type (Enter/blur commit, Escape reverts), drag sideways to
// scrub, Up/Down to nudge, Tab between cells. Cells are kept and updated in place, so a value
// coming back from Python never steals focus or a drag in progress.
import { h, setChildren, symbolEl } from "./dom.js";
import { formatNumber, formatForEditing } from "./format.js";
import { parseNumber } from "./parse.js";
import { maxAbs, paint } from "./colors.js";
import { attachScrub, scrubStep, modifier, roundTo } from "./scrub.js";

/**
 * @param {{dataRef?: string, onEdit: (r: number, c: number, value: number, phase: "preview"|"commit") => void}} opts
 * @returns {{el: HTMLElement, update: (state: object) => void, destroy: () => void}}
 */
const show = (v) => formatNumber(v, { digits: 3 });
// A focused cell shows the value as typed text; an unfocused one the short form.
const shown = (input, v) => (document.activeElement === input ? formatForEditing(v) : show(v));

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

  const commitTyped = (r, c) => {
    const cell = cells[r][c];
    const text = cell.input.value;
    if (text === show(cell.value) || text === formatForEditing(cell.value)) {
      cell.input.dataset.editing = "";
      return;
    }
    const parsed = parseNumber(text);
    if (!parsed.ok) {
      cell.input.setAttribute("aria-invalid", "true");
      localError = parsed.message;
      showMessage();
      // The previous value stays displayed (and the trace with it); nothing is sent.
      cell.input.value = shown(cell.input, cell.value);
      cell.input.dataset.editing = "";
      return;
    }
    clearInvalid(cell);
    cell.input.dataset.editing = "";
    cell.value = parsed.value;
    cell.input.value = shown(cell.input, parsed.value);
    onEdit(r, c, parsed.value, "commit");
  };

  const clearInvalid = (cell) => {
    cell.input.removeAttribute("aria-invalid");
    localError = "";
    showMessage();
  };

  const makeCell = (r, c) => {
    const input = h("input", {
      class: "rnnw-cell", type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false",
      "data-r": r, "data-c": c,
    });
    const cell = { input, value: 0, nudging: false };
    input.addEventListener("focus", () => {
      // Full precision while editing; the cell shows 3 significant digits otherwise.
      if (input.dataset.editing !== "1") input.value = formatForEditing(cell.value);
      input.select();
    });
    input.addEventListener("input", () => {
      input.dataset.editing = "1";
    });
    input.addEventListener("blur", () => {
      if (input.dataset.editing === "1") commitTyped(r, c);
      input.value = show(cell.value);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        commitTyped(r, c);
        input.select();
      } else if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        input.value = shown(input, cell.value);
        input.dataset.editing = "";
        clearInvalid(cell);
        input.select();
      } else if ((e.key === "ArrowUp" || e.key === "ArrowDown") && !input.readOnly) {
        e.preventDefault();
        const s = step * modifier(e);
        const v = roundTo(cell.value + (e.key === "ArrowUp" ? s : -s), s);
        input.dataset.editing = "";
        clearInvalid(cell);
        cell.value = v;
        input.value = shown(input, v);
        cell.nudging = true;
        onEdit(r, c, v, "preview");
        input.select();
      }
    });
    input.addEventListener("keyup", (e) => {
      if ((e.key === "ArrowUp" || e.key === "ArrowDown") && cell.nudging) {
        cell.nudging = false;
        onEdit(r, c, cell.value, "commit");
      }
    });
    cell.detach = attachScrub(input, {
      getValue: () => cell.value,
      getStep: () => step,
      onPreview: (v) => {
        cell.value = v;
        input.value = shown(input, v);
        input.dataset.scrubbing = "1";
        onEdit(r, c, v, "preview");
      },
      onCommit: (v) => {
        cell.value = v;
        input.dataset.scrubbing = "";
        clearInvalid(cell);
        onEdit(r, c, v, "commit");
        if (document.activeElement === input) input.select(); // scrubbed after Enter: ready to type again
      },
      onClick: () => input.focus(),
    });
    return cell;
  };

  /**
   * @param {{values: number[][], symbol: object, hint?: object, shape?: string,
   *          ariaLabel: (r: number, c: number) => string, cellRef?: (r: number, c: number) => string,
   *          error?: string, className?: string}} state
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
      setChildren(grid, cells.flat().map((c) => c.input));
    }
    const scale = maxAbs(values);
    values.forEach((row, r) =>
      row.forEach((v, c) => {
        const cell = cells[r][c];
        cell.input.setAttribute("aria-label", state.ariaLabel(r, c));
        if (state.cellRef) cell.input.setAttribute("data-ref", state.cellRef(r, c));
        const key = state.cellKey?.(r, c);
        if (key) {
          // e2e hooks: the stored name and the row-convention index of what this cell edits
          cell.input.setAttribute("data-name", key.name);
          cell.input.setAttribute("data-r", key.r);
          if (key.c !== undefined && key.c !== null) cell.input.setAttribute("data-c", key.c);
          else cell.input.removeAttribute("data-c");
        }
        // Keep what the person is typing or dragging: the incoming value is older than theirs.
        if (cell.input.dataset.editing === "1" || cell.input.dataset.scrubbing === "1" || cell.nudging) {
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
