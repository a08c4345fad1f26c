import { describe, it, expect, afterEach, vi } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { fixtureState, fixtureTrace } from "./fixture.js";
import { isLargeMatrix, heatGeometry, cellAt, cellRect, moveCursor } from "../geometry/heat_layout.js";
import { abbreviate, formatVectorShort } from "../data/format.js";
import { createHeatmapEditor } from "../editing/heatmap_editor.js";
import { inView, unitAt } from "../view/diagram_canvas.js";
import { cellColor, parseColor } from "../view/canvas.js";

// Python's states (scripts/make_fixtures.py): a tanh RNN with 12 units over 20 steps, an LSTM with
// 10 units over 12 steps with targets (gradients shown), and Tom Yeh's exercise.
const large = () => fixtureState("large_rnn");
const largeLstm = () => fixtureState("large_lstm");
const tomYehState = () => fixtureState("tom_yeh");
const tomYehTrace = () => fixtureTrace("tom_yeh");

const tick = () => new Promise((r) => setTimeout(r, 0));
const mounted = [];
afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  document.body.innerHTML = "";
  vi.restoreAllMocks();
});
function mount(state) {
  const model = new FakeModel(state);
  const el = document.createElement("div");
  document.body.appendChild(el);
  mounted.push(widget.render({ model, el }));
  vi.spyOn(model, "set");
  vi.spyOn(model, "save_changes");
  return { model, el };
}
const pointer = (target, type, x, y = 0, extra = {}) => {
  const e = new MouseEvent(type, { bubbles: true, cancelable: true, clientX: x, clientY: y, button: 0, ...extra });
  Object.defineProperty(e, "pointerId", { value: 1 });
  target.dispatchEvent(e);
};
const key = (target, k) => target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));

describe("heat map geometry", () => {
  it("switches at more than 64 cells or a side over 8", () => {
    expect(isLargeMatrix(8, 8)).toBe(false);
    expect(isLargeMatrix(9, 1)).toBe(true);
    expect(isLargeMatrix(1, 9)).toBe(true);
    expect(isLargeMatrix(4, 4)).toBe(false);
  });
  it("square cells that fit, wide cells for a thin side", () => {
    const g = heatGeometry(32, 32);
    expect(g.cellW).toBe(8);
    expect(g.cellH).toBe(8);
    expect(g.width).toBe(256);
    const v = heatGeometry(64, 1);
    expect(v.cellH).toBe(4);
    expect(v.cellW).toBe(18);
    expect(heatGeometry(200, 200).cellW).toBe(3); // never below minCell
  });
  it("finds the cell under a point and moves the cursor within bounds", () => {
    const g = heatGeometry(10, 20);
    expect(cellAt(g, 0, 0)).toEqual({ r: 0, c: 0 });
    expect(cellAt(g, g.cellW * 3 + 1, g.cellH * 2 + 1)).toEqual({ r: 2, c: 3 });
    expect(cellAt(g, -1, 0)).toBeNull();
    expect(cellAt(g, g.width, 0)).toBeNull();
    expect(cellRect(g, 2, 3)).toEqual({ x: 3 * g.cellW, y: 2 * g.cellH, w: g.cellW, h: g.cellH });
    expect(moveCursor({ r: 0, c: 0 }, "ArrowUp", 10, 20)).toEqual({ r: 0, c: 0 });
    expect(moveCursor({ r: 0, c: 0 }, "ArrowRight", 10, 20)).toEqual({ r: 0, c: 1 });
    expect(moveCursor({ r: 9, c: 5 }, "End", 10, 20)).toEqual({ r: 9, c: 19 });
    expect(moveCursor({ r: 0, c: 5 }, "PageDown", 10, 20)).toEqual({ r: 8, c: 5 });
    expect(moveCursor({ r: 0, c: 0 }, "x", 10, 20)).toBeNull();
  });
  it("compact diagram helpers: columns in view, unit under a point, colours", () => {
    expect(inView(80, 20, 0, 50)).toBe(true); // within the margin
    expect(inView(1000, 20, 0, 500)).toBe(false);
    expect(unitAt({ y: 10, n: 4 }, 10 + 2 * 5 + 1, 5)).toBe(2);
    expect(unitAt({ y: 10, n: 4 }, 5, 5)).toBe(-1);
    const C = { pos: [255, 0, 0], neg: [0, 0, 255], bg: [255, 255, 255] };
    expect(cellColor(0, 1, C)).toEqual([255, 255, 255]);
    expect(cellColor(null, 1, C)).toBeNull();
    expect(cellColor(1, 1, C)).toEqual([255, 102, 102]); // 60% red over white
    expect(parseColor("#fff")).toEqual([255, 255, 255]);
    expect(parseColor("rgb(1, 2, 3)")).toEqual([1, 2, 3]);
  });
});

describe("abbreviation", () => {
  it("keeps short vectors, abbreviates long ones with a count", () => {
    expect(abbreviate([1, 2, 3]).abbreviated).toBe(false);
    const a = abbreviate(Array.from({ length: 32 }, (_, i) => i));
    expect(a.items).toEqual([0, 1, 2, "\u2026", 31]);
    expect(a.count).toBe(32);
    expect(formatVectorShort([0.12, -0.3, 0.5])).toBe("[0.12, \u22120.3, 0.5]");
    expect(formatVectorShort([0.12, -0.3, 0.7, 1, 2, 3, 0.5])).toBe("[0.12, \u22120.3, 0.7, \u2026, 0.5] (7 values)");
  });
  it("the formula panel abbreviates a 12-unit hidden state", () => {
    const { el } = mount(large());
    const text = el.querySelector(".rnnw-formula").textContent;
    expect(text).toContain("(12 values)");
    expect(text).toContain("\u2026");
  });
});

describe("the heat-map editor", () => {
  function editor() {
    const onEdit = vi.fn();
    const ed = createHeatmapEditor({ dataRef: "p:W_hh", onEdit });
    document.body.appendChild(ed.el);
    const values = Array.from({ length: 12 }, (_, r) => Array.from({ length: 12 }, (_, c) => r + c / 10));
    ed.update({
      values,
      symbol: { base: "W", sub: "hh", sup: "", text: "W_hh" },
      shape: "12\u00d712",
      ariaLabel: (r, c) => `W_hh row ${r + 1} column ${c + 1}`,
      cellKey: (r, c) => ({ name: "W_hh", r, c }),
    });
    const canvas = ed.el.querySelector("canvas");
    const input = ed.el.querySelector("input.rnnw-heat-input");
    return { ed, onEdit, canvas, input };
  }

  it("describes itself, opens one floating input with Enter, commits a typed value", () => {
    const { onEdit, canvas, input } = editor();
    expect(canvas.getAttribute("aria-label")).toMatch(/^W_hh: 12×12 heat map, values from 0 to 12\.1\./);
    expect(input.hidden).toBe(true);
    canvas.focus();
    key(canvas, "ArrowDown");
    key(canvas, "ArrowRight");
    key(canvas, "Enter");
    expect(input.hidden).toBe(false);
    expect(input.getAttribute("aria-label")).toBe("W_hh row 2 column 2");
    expect(input.dataset.name).toBe("W_hh");
    expect(input.dataset.r).toBe("1");
    expect(input.value).toBe("1.1");
    input.value = "\u22122.5";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    key(input, "Enter");
    expect(onEdit).toHaveBeenCalledWith(1, 1, -2.5, "commit");
    expect(input.hidden).toBe(false); // stays open, text selected, for the next value
  });

  it("refuses garbage with the small editor's message and sends nothing; Escape closes", () => {
    const { ed, onEdit, canvas, input } = editor();
    canvas.focus();
    key(canvas, "Enter");
    input.value = "1,5";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    key(input, "Enter");
    expect(onEdit).not.toHaveBeenCalled();
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(ed.el.querySelector(".rnnw-msg").textContent).toBe("'1,5' uses a comma: use a dot for decimals, such as 1.5");
    expect(input.value).toBe("0");
    input.value = "7";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    key(input, "Escape");
    expect(onEdit).not.toHaveBeenCalled();
    expect(input.hidden).toBe(true);
    expect(ed.el.querySelector(".rnnw-msg").textContent).toBe("");
  });

  it("typing a digit on the canvas starts an edit; click opens, drag scrubs and commits on release", () => {
    const { onEdit, canvas, input } = editor();
    canvas.focus();
    key(canvas, "4");
    expect(input.hidden).toBe(false);
    expect(input.value).toBe("4");
    key(input, "Enter");
    expect(onEdit).toHaveBeenLastCalledWith(0, 0, 4, "commit");
    input.blur();
    expect(input.hidden).toBe(true);
    // jsdom has no layout: the canvas box is at 0,0 and cells are cellW x cellH
    const w = Number(canvas.dataset.cellW);
    pointer(canvas, "pointerdown", 2 * w + 1, 3 * w + 1);
    pointer(canvas, "pointermove", 2 * w + 1 + 12, 3 * w + 1);
    pointer(canvas, "pointerup", 2 * w + 1 + 12, 3 * w + 1);
    expect(onEdit.mock.calls.at(-1)[3]).toBe("commit");
    expect(onEdit.mock.calls.at(-1).slice(0, 2)).toEqual([3, 2]);
    expect(onEdit.mock.calls.at(-1)[2]).toBe(5); // 3.2 + 2 steps of 1 (12 px at 6 px a step), rounded to the step
    pointer(canvas, "pointerdown", 1, 1);
    pointer(canvas, "pointerup", 1, 1);
    expect(input.hidden).toBe(false);
    expect(input.getAttribute("aria-label")).toBe("W_hh row 1 column 1");
  });
});

describe("large networks in the widget", () => {
  it("large matrices are heat maps; the diagram is a canvas with data-value hooks", () => {
    const { el } = mount(large());
    expect(el.querySelector(".rnnw-matrix.rnnw-heat[data-ref='p:W_hh'] canvas")).not.toBeNull();
    expect(el.querySelectorAll("input.rnnw-cell:not(.rnnw-heat-input)").length).toBeLessThan(40);
    const node = el.querySelector(".rnnw-diagram.is-compact g.rnnw-node[data-ref='h:0:3']");
    expect(JSON.parse(node.getAttribute("data-value"))).toHaveLength(12);
    expect(node.getAttribute("aria-label")).toMatch(/^h4 = \[.*\u2026.*\] \(12 values\)$/);
    expect(el.querySelectorAll(".rnnw-diagram rect.rnnw-vcell").length).toBe(0);
  });

  it("a large LSTM with gradients draws compact gates and heat-map gradients", () => {
    const { el } = mount(largeLstm());
    expect(el.querySelector(".rnnw-cdiagram canvas")).not.toBeNull();
    expect(el.querySelector(".rnnw-gates[data-ref='g:0:2']").getAttribute("aria-label")).toBe("gates of h3");
    expect(el.querySelectorAll(".rnnw-gmatrix .rnnw-heat").length).toBeGreaterThan(0);
  });
});

describe("incremental updates", () => {
  it("a new trace updates the same diagram nodes in place and bumps data-trace-rev", async () => {
    const { el, model } = mount(tomYehState());
    const root = el.querySelector(".rnnw");
    expect(root.getAttribute("data-trace-rev")).toBe("0");
    const svgEl = el.querySelector(".rnnw-diagram");
    const node = svgEl.querySelector("g.rnnw-node[data-ref='h:0:1']");
    expect(node.getAttribute("data-value")).toBe("[1,17]");
    const trace = tomYehTrace();
    trace.layers[0].values.h[1] = [1.23456789, 99];
    model.set("trace", trace);
    await tick();
    expect(el.querySelector(".rnnw-diagram")).toBe(svgEl);
    expect(svgEl.querySelector("g.rnnw-node[data-ref='h:0:1']")).toBe(node);
    expect(node.getAttribute("data-value")).toBe("[1.23456789,99]");
    expect(node.textContent).toContain("99");
    expect(root.getAttribute("data-trace-rev")).toBe("1");
    model.set("trace", trace); // the same object again: nothing to do
    await tick();
    expect(root.getAttribute("data-trace-rev")).toBe("1");
  });

  it("a change of shape rebuilds the diagram", async () => {
    const { el, model } = mount(tomYehState());
    const before = el.querySelector(".rnnw-diagram");
    const trace = tomYehTrace();
    model.set("labels", ["a", "b", "c", "d"]);
    await tick();
    expect(el.querySelector(".rnnw-diagram")).not.toBe(before);
    const again = el.querySelector(".rnnw-diagram");
    model.set("trace", { ...trace });
    await tick();
    expect(el.querySelector(".rnnw-diagram")).toBe(again);
  });

  it("the view's own edit redraws only what it changed: no diagram rebuild, editors kept", async () => {
    const { el } = mount(tomYehState());
    const svgEl = el.querySelector(".rnnw-diagram");
    const input = el.querySelector("input[aria-label='A row 1 column 2']");
    input.focus();
    input.value = "5";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    key(input, "Enter");
    await tick();
    expect(el.querySelector(".rnnw-diagram")).toBe(svgEl);
    expect(el.querySelector("input[aria-label='A row 1 column 2']")).toBe(input);
    expect(document.activeElement).toBe(input);
  });

  it("small cells carry data-name and row-convention data-r / data-c", () => {
    const { el } = mount(tomYehState());
    const a12 = el.querySelector("input[aria-label='A row 1 column 2']"); // A = W_hh^T: W_hh[1][0]
    expect(a12.dataset.name).toBe("W_hh");
    expect([a12.dataset.r, a12.dataset.c]).toEqual(["1", "0"]);
    const x3 = el.querySelector("input[aria-label='x3 entry 1']");
    expect([x3.dataset.name, x3.dataset.r, x3.dataset.c]).toEqual(["inputs", "2", "0"]);
  });

  it("after Enter, a drag on the same focused cell scrubs; a press without moving does not", () => {
    const { el, model } = mount(tomYehState());
    const input = el.querySelector("input[aria-label='A row 1 column 1']");
    input.focus();
    input.value = "2";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    key(input, "Enter");
    expect(model.get("params").W_hh[0][0]).toBe(2);
    pointer(input, "pointerdown", 100);
    pointer(input, "pointermove", 102); // within 3 px: still a click
    pointer(input, "pointerup", 102);
    expect(model.get("params").W_hh[0][0]).toBe(2);
    pointer(input, "pointerdown", 100);
    pointer(input, "pointermove", 112);
    pointer(input, "pointerup", 112);
    expect(model.get("params").W_hh[0][0]).toBe(4);
    expect(document.activeElement).toBe(input);
    // while typing, a drag selects text instead
    input.value = "9";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    pointer(input, "pointerdown", 100);
    pointer(input, "pointermove", 130);
    pointer(input, "pointerup", 130);
    expect(model.get("params").W_hh[0][0]).toBe(4);
  });
});
