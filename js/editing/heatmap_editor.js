// A large matrix as a heat map on one <canvas>: hover shows the value in one tooltip, a click
// (or Enter on the keyboard cursor) edits one cell in one floating <input> (number_field.js, as
// every number cell), a press-and-drag scrubs the cell, arrows move the cursor. Same interface as createMatrixEditor; readOnly for the gradient view.
import { h, setChildren, symbolEl } from "../view/dom.js";
import { formatNumber, formatForEditing } from "../data/format.js";
import { maxAbs } from "../geometry/colors.js";
import { attachScrub, scrubStep } from "./drag.js";
import { attachNumberField } from "./number_field.js";
import { heatGeometry, cellAt, cellRect, moveCursor } from "../geometry/heat_layout.js";
import { context, sizeCanvas, themeColors, cellColor, rgb } from "../view/canvas.js";

/**
 * @param {{dataRef?: string, onEdit?: (r: number, c: number, value: number, phase: string) => void,
 *          readOnly?: boolean, className?: string}} opts
 */
export function createHeatmapEditor({ dataRef, onEdit = () => {}, readOnly = false, className = "" } = {}) {
  const title = h("div", { class: "rnnw-mtitle" });
  const canvas = h("canvas", { class: "rnnw-heat-canvas", tabindex: 0, role: "img" });
  const cursorBox = h("div", { class: "rnnw-heat-cursor", hidden: true });
  const tooltip = h("div", { class: "rnnw-tooltip", role: "tooltip", hidden: true });
  const input = h("input", {
    class: "rnnw-cell rnnw-heat-input",
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    spellcheck: "false",
    hidden: true,
  });
  const wrap = h("div", { class: "rnnw-heat-wrap" }, [canvas, cursorBox, tooltip, readOnly ? null : input]);
  const legend = h("div", { class: "rnnw-heat-legend" });
  const live = h("div", { class: "rnnw-sr", "aria-live": "polite" });
  const msg = h("div", { class: "rnnw-msg", role: "status", "aria-live": "polite" });
  const el = h("div", { class: ["rnnw-matrix", "rnnw-heat", className], "data-ref": dataRef }, [title, wrap, legend, live, msg]);

  let state = null;
  let values = [];
  let geom = heatGeometry(0, 0);
  let step = 1;
  let scale = 0;
  let cursor = { r: 0, c: 0 };
  let editing = null; // {r, c, value} while the floating input is open
  let localError = "";
  let externalError = "";
  const listeners = [];
  const on = (target, ev, f) => {
    target.addEventListener(ev, f);
    listeners.push([target, ev, f]);
  };

  const labelOf = (r, c) => state?.ariaLabel?.(r, c) ?? `row ${r + 1} column ${c + 1}`;
  const showMessage = () => {
    const text = localError || externalError;
    msg.textContent = text;
    el.classList.toggle("has-error", Boolean(text));
  };

  function draw() {
    const ctx = context(canvas);
    if (!ctx) return;
    const dpr = sizeCanvas(canvas, geom.width, geom.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const C = themeColors(el);
    ctx.fillStyle = rgb(C.border);
    ctx.fillRect(0, 0, geom.width, geom.height);
    const gap = Math.min(geom.cellW, geom.cellH) >= 6 ? 1 : 0;
    for (let r = 0; r < geom.rows; r++) {
      const row = values[r];
      for (let c = 0; c < geom.cols; c++) {
        const col = cellColor(row[c], scale, C) ?? C.panel;
        ctx.fillStyle = rgb(col);
        ctx.fillRect(c * geom.cellW, r * geom.cellH, geom.cellW - gap, geom.cellH - gap);
      }
    }
  }

  const placeBox = (box, r, c) => {
    const rect = cellRect(geom, r, c);
    box.style.left = `${rect.x}px`;
    box.style.top = `${rect.y}px`;
    box.style.width = `${rect.w}px`;
    box.style.height = `${rect.h}px`;
  };
  const showTip = (r, c) => {
    const rect = cellRect(geom, r, c);
    tooltip.textContent = `${labelOf(r, c)} = ${formatNumber(values[r]?.[c])}`;
    tooltip.hidden = false;
    tooltip.style.left = `${rect.x + rect.w + 6}px`;
    tooltip.style.top = `${Math.max(0, rect.y - 4)}px`;
  };
  const hideTip = () => {
    tooltip.hidden = true;
  };
  const setCursor = (r, c, announce = true) => {
    cursor = { r, c };
    cursorBox.hidden = false;
    placeBox(cursorBox, r, c);
    if (announce) live.textContent = `${labelOf(r, c)} = ${formatNumber(values[r]?.[c])}`;
  };
  const local = (e) => {
    const box = canvas.getBoundingClientRect();
    const sx = geom.width / (box.width || geom.width);
    const sy = geom.height / (box.height || geom.height);
    return cellAt(geom, (e.clientX - box.left) * sx, (e.clientY - box.top) * sy);
  };

  // ---- the floating editor ----
  function openEditor(r, c, text = null) {
    if (readOnly) return;
    if (editing && (editing.r !== r || editing.c !== c)) closeEditor(true);
    editing = { r, c, value: values[r][c] };
    setCursor(r, c, false);
    placeBox(input, r, c);
    input.style.width = "";
    input.style.height = "";
    input.setAttribute("aria-label", labelOf(r, c));
    const key = state?.cellKey?.(r, c);
    if (key) {
      input.setAttribute("data-name", key.name);
      input.setAttribute("data-r", key.r);
      input.setAttribute("data-c", key.c);
    }
    input.hidden = false;
    input.dataset.editing = text === null ? "" : "1";
    input.value = text === null ? formatForEditing(editing.value) : text;
    hideTip();
    input.focus();
    if (text === null) input.select();
  }
  function closeEditor(commit) {
    if (!editing) return;
    if (commit) field?.commit();
    editing = null;
    input.dataset.editing = "";
    input.hidden = true;
  }
  const setValue = (r, c, v) => {
    if (editing && editing.r === r && editing.c === c) editing.value = v;
    values = values.map((row, i) => (i === r ? row.map((x, j) => (j === c ? v : x)) : row));
    draw();
  };

  // the floating input edits like every number cell (number_field.js)
  const field = readOnly
    ? null
    : attachNumberField(input, {
        active: () => Boolean(editing),
        value: () => editing?.value ?? 0,
        set: (v) => editing && setValue(editing.r, editing.c, v),
        format: formatForEditing,
        step: () => step,
        onEdit: (v, phase) => editing && onEdit(editing.r, editing.c, v, phase),
        onMessage: (text) => {
          localError = text;
          showMessage();
        },
        onEscape: () => {
          closeEditor(false);
          canvas.focus();
        },
        onBlur: () => closeEditor(false),
      });
  if (field) {
    on(input, "keydown", (e) => {
      if (e.key === "Tab") closeEditor(true);
    });
    listeners.push([null, "detach", field.detach]);
  }

  // ---- the canvas: hover, scrub, click, keyboard ----
  let pressed = null;
  const detachCanvas = attachScrub(canvas, {
    getValue: (e) => {
      pressed = local(e);
      return pressed ? values[pressed.r][pressed.c] : 0;
    },
    getStep: () => step,
    onPreview: (v) => {
      if (!pressed || readOnly) return;
      canvas.classList.add("is-scrubbing");
      setValue(pressed.r, pressed.c, v);
      showTip(pressed.r, pressed.c);
      onEdit(pressed.r, pressed.c, v, "preview");
    },
    onCommit: (v) => {
      canvas.classList.remove("is-scrubbing");
      if (!pressed || readOnly) return;
      setValue(pressed.r, pressed.c, v);
      onEdit(pressed.r, pressed.c, v, "commit");
    },
    onClick: () => {
      if (!pressed) return;
      if (readOnly) {
        setCursor(pressed.r, pressed.c);
        canvas.focus();
      } else openEditor(pressed.r, pressed.c);
    },
  });
  listeners.push([null, "detach", detachCanvas]);
  on(canvas, "pointermove", (e) => {
    const cell = local(e);
    if (cell) showTip(cell.r, cell.c);
    else hideTip();
  });
  on(canvas, "pointerleave", hideTip);
  on(canvas, "focus", () => setCursor(cursor.r, cursor.c));
  on(canvas, "blur", () => {
    cursorBox.hidden = !editing;
    hideTip();
  });
  on(canvas, "keydown", (e) => {
    const next = moveCursor(cursor, e.key, geom.rows, geom.cols);
    if (next) {
      e.preventDefault();
      e.stopPropagation();
      setCursor(next.r, next.c);
      showTip(next.r, next.c);
    } else if ((e.key === "Enter" || e.key === "F2") && !readOnly) {
      e.preventDefault();
      openEditor(cursor.r, cursor.c);
    } else if (!readOnly && e.key.length === 1 && /[-+.0-9\u2212]/.test(e.key) && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      openEditor(cursor.r, cursor.c, e.key);
    }
  });

  /** Same state as createMatrixEditor.update, plus cellKey(r, c) -> {name, r, c} for data hooks. */
  function update(next) {
    state = next;
    const rows = next.values.length;
    const cols = rows ? next.values[0].length : 0;
    if (rows !== geom.rows || cols !== geom.cols) {
      closeEditor(false);
      geom = heatGeometry(rows, cols);
      wrap.style.width = `${geom.width}px`;
      wrap.style.height = `${geom.height}px`;
      canvas.style.width = `${geom.width}px`;
      canvas.style.height = `${geom.height}px`;
      canvas.setAttribute("data-rows", String(rows));
      canvas.setAttribute("data-cols", String(cols));
      canvas.setAttribute("data-cell-w", String(geom.cellW));
      canvas.setAttribute("data-cell-h", String(geom.cellH));
      cursor = { r: Math.min(cursor.r, rows - 1), c: Math.min(cursor.c, cols - 1) };
    }
    // Keep what the person is typing, dragging or nudging: the incoming value is older.
    const busy = editing && field?.busy();
    const scrubbing = canvas.classList.contains("is-scrubbing");
    values = next.values;
    if ((busy || scrubbing) && editing)
      values = values.map((row, i) => (i === editing.r ? row.map((x, j) => (j === editing.c ? editing.value : x)) : row));
    step = scrubStep(values);
    scale = maxAbs(values);
    if (editing && !busy) {
      editing.value = values[editing.r][editing.c];
      if (document.activeElement === input) {
        const text = formatForEditing(editing.value);
        if (input.value !== text) {
          input.value = text;
          input.select();
        }
      }
    }
    setChildren(title, [
      symbolEl(next.symbol, { class: "rnnw-mname" }),
      next.hint ? h("span", { class: "rnnw-hint" }, ["= ", symbolEl(next.hint)]) : null,
      next.shape ? h("span", { class: "rnnw-shape" }, [next.shape]) : null,
    ]);
    const key0 = rows && cols ? next.cellKey?.(0, 0) : null;
    if (key0) el.setAttribute("data-name", key0.name);
    const name = next.symbol?.text ?? [next.symbol?.base, next.symbol?.sub, next.symbol?.sup].filter(Boolean).join("");
    const lo = Math.min(...values.flat().filter(Number.isFinite));
    const hi = Math.max(...values.flat().filter(Number.isFinite));
    const range = Number.isFinite(lo) ? `from ${formatNumber(lo, { digits: 3 })} to ${formatNumber(hi, { digits: 3 })}` : "";
    canvas.setAttribute(
      "aria-label",
      `${name}: ${rows}\u00d7${cols} heat map, values ${range}. ${readOnly ? "Arrow keys read a cell." : "Arrow keys move, Enter edits, drag to scrub."}`,
    );
    legend.textContent = range ? `${rows}\u00d7${cols}: ${range}` : "";
    if (next.className !== undefined) el.className = `rnnw-matrix rnnw-heat ${className} ${next.className}`.trim();
    externalError = next.error || "";
    showMessage();
    draw();
    if (!tooltip.hidden && document.activeElement === canvas) showTip(cursor.r, cursor.c);
  }

  function destroy() {
    for (const [target, ev, f] of listeners) {
      if (target) target.removeEventListener(ev, f);
      else f();
    }
    listeners.length = 0;
  }

  return { el, update, destroy, kind: "heat", open: openEditor, cells: () => [] };
}
