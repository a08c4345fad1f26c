// A large matrix as a heat map on one <canvas>: hover shows the value in one tooltip, a click
// (or Enter on the keyboard cursor) edits one cell in one floating <input> (number_field.js, as
// every number cell), a press-and-drag scrubs the cell, arrows move the cursor. Same interface as createMatrixEditor; readOnly for the gradient view.
import { h, setChildren, symbolEl } from "../view/dom.js";
import { formatNumber, formatForEditing } from "../data/format.js";
import { MAX_MIX } from "../geometry/colors.js";
import { attachScrub } from "./drag.js";
import { attachNumberField } from "./number_field.js";
import { heatGeometry, cellAt, cellRect, moveCursor, matrixStats, colorLevels, changedCells, NO_LEVEL } from "../geometry/heat_layout.js";
import { context, sizeCanvas, themeColors, rgb } from "../view/canvas.js";

/**
 * The fill of each colour level (heat_layout.js colorLevel) in a theme: the diverging colour as
 * canvas.js cellColor computes it, the panel for a cell without a number.
 * @param {any} C themeColors: {pos, neg, bg, panel, ...} as [r, g, b]
 * @returns {(level: number) => string}
 */
function levelFills(C) {
  const cache = new Map();
  return (level) => {
    let fill = cache.get(level);
    if (fill === undefined) {
      if (level === NO_LEVEL) fill = rgb(C.panel);
      else {
        const c = level > 0 ? C.pos : C.neg;
        const k = Math.min(MAX_MIX, Math.abs(level)) / 100;
        fill = rgb([0, 1, 2].map((i) => Math.round(C.bg[i] + (c[i] - C.bg[i]) * k)));
      }
      cache.set(level, fill);
    }
    return fill;
  };
}

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
  let shownTitle = "";
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

  // What the canvas shows: the colour level of every cell, and what it was painted under (canvas
  // size, cell size, theme). A redraw paints only the cells whose level changed; anything else
  // (a new shape, a resized canvas, another theme) repaints everything.
  /** @type {Int8Array | null} */
  let painted = null;
  /** @type {Int8Array | null} */
  let spare = null;
  let paintedKey = "";
  /** @type {((level: number) => string) | null} */
  let fills = null;
  let fillsKey = "";

  // A heat map is painted when it can be seen: one drawn while out of the page (a view is built
  // before Lab attaches it: the theme's colours are not known yet) or scrolled far out of view
  // (many widgets) is painted when it comes near the viewport. Whether it is there is known from
  // an IntersectionObserver; the first paint waits for its first report.
  /** @type {boolean | null} */
  let inView = null;
  let stale = false;
  const observer =
    typeof IntersectionObserver === "function"
      ? new IntersectionObserver(
          (entries) => {
            inView = entries[entries.length - 1].isIntersecting;
            if (inView && stale) draw();
          },
          { rootMargin: "300px" },
        )
      : null;
  observer?.observe(canvas);
  listeners.push([null, "detach", () => observer?.disconnect()]);

  function draw() {
    if (observer && inView !== true) {
      stale = true;
      return;
    }
    stale = false;
    const ctx = context(canvas);
    if (!ctx) return;
    const dpr = sizeCanvas(canvas, geom.width, geom.height);
    const C = themeColors(el);
    const themeKey = Object.values(C).join(";");
    if (!fills || themeKey !== fillsKey) {
      fills = levelFills(C);
      fillsKey = themeKey;
    }
    const key = [canvas.width, canvas.height, dpr, geom.rows, geom.cols, geom.cellW, geom.cellH, themeKey].join("|");
    const levels = colorLevels(values, geom.rows, geom.cols, scale, spare);
    const gap = Math.min(geom.cellW, geom.cellH) >= 6 ? 1 : 0;
    const { cols, cellW, cellH } = geom;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const changed = painted && key === paintedKey ? changedCells(painted, levels) : null;
    if (changed && changed.length <= levels.length / 2) {
      const border = rgb(C.border);
      for (const i of changed) {
        const r = Math.floor(i / cols);
        const c = i - r * cols;
        if (gap) {
          ctx.fillStyle = border; // the gap: anti-aliased edges of the old fill go too
          ctx.fillRect(c * cellW, r * cellH, cellW, cellH);
        }
        ctx.fillStyle = fills(levels[i]);
        ctx.fillRect(c * cellW, r * cellH, cellW - gap, cellH - gap);
      }
    } else {
      ctx.fillStyle = rgb(C.border);
      ctx.fillRect(0, 0, geom.width, geom.height);
      let last = NaN;
      for (let i = 0; i < levels.length; i++) {
        if (levels[i] !== last) {
          last = levels[i];
          ctx.fillStyle = fills(last);
        }
        const r = Math.floor(i / cols);
        const c = i - r * cols;
        ctx.fillRect(c * cellW, r * cellH, cellW - gap, cellH - gap);
      }
    }
    spare = painted && painted.length === levels.length ? painted : null;
    painted = levels;
    paintedKey = key;
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
  // a lost and restored 2D context (GPU reset) comes back blank: paint it all again
  on(canvas, "contextrestored", () => {
    painted = null;
    draw();
  });
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
    const stats = matrixStats(values);
    step = stats.step;
    scale = stats.scale;
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
    // the title is rebuilt only when it reads differently (a value change leaves it)
    const titleKey = JSON.stringify([next.symbol, next.hint ?? null, next.shape ?? null]);
    if (titleKey !== shownTitle) {
      shownTitle = titleKey;
      setChildren(title, [
        symbolEl(next.symbol, { class: "rnnw-mname" }),
        next.hint ? h("span", { class: "rnnw-hint" }, ["= ", symbolEl(next.hint)]) : null,
        next.shape ? h("span", { class: "rnnw-shape" }, [next.shape]) : null,
      ]);
    }
    const key0 = rows && cols ? next.cellKey?.(0, 0) : null;
    if (key0 && el.getAttribute("data-name") !== key0.name) el.setAttribute("data-name", key0.name);
    const name = next.symbol?.text ?? [next.symbol?.base, next.symbol?.sub, next.symbol?.sup].filter(Boolean).join("");
    const range = stats.lo !== null ? `from ${formatNumber(stats.lo, { digits: 3 })} to ${formatNumber(stats.hi, { digits: 3 })}` : "";
    const aria = `${name}: ${rows}\u00d7${cols} heat map, values ${range}. ${readOnly ? "Arrow keys read a cell." : "Arrow keys move, Enter edits, drag to scrub."}`;
    if (canvas.getAttribute("aria-label") !== aria) canvas.setAttribute("aria-label", aria);
    const legendText = range ? `${rows}\u00d7${cols}: ${range}` : "";
    if (legend.textContent !== legendText) legend.textContent = legendText;
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
