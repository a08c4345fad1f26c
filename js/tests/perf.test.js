// An entry edit redraws one entry (benchmarks/README.md, "What would cut it", item 1): the overlay
// shares what an edit does not touch, editors whose values did not change are skipped, packed
// arrays with the same bytes decode to the same object, and a heat map repaints only the cells
// whose colour changed. jsdom has no canvas: these tests give the canvases a recording context.
import { describe, it, expect, afterEach, beforeEach, vi } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { fixtureState } from "./fixture.js";
import { createHeatmapEditor } from "../editing/heatmap_editor.js";
import { applyEdits } from "../data/edits.js";
import { unpacker } from "../data/packed.js";
import { colorLevel, colorLevels, changedCells, matrixStats, heatGeometry, NO_LEVEL } from "../geometry/heat_layout.js";
import { cellColor, rgb } from "../view/canvas.js";
import { maxAbs } from "../geometry/colors.js";
import { scrubStep } from "../editing/drag.js";

/** A 2D context that counts fillRect calls and remembers the last fill at the pixels it probes; every other method does nothing. */
function recordingContext(canvas) {
  const ctx = {
    canvas,
    fillStyle: "",
    fills: 0,
    /** @type {Map<string, string>} "x,y" of a pixel -> fill, for the pixels a test asks about */
    probes: new Map(),
    fillRect(x, y, w, h) {
      ctx.fills++;
      for (const k of ctx.probes.keys()) {
        const [px, py] = k.split(",").map(Number);
        if (px >= x && px < x + w && py >= y && py < y + h) ctx.probes.set(k, ctx.fillStyle);
      }
    },
  };
  const noop = () => ({ width: 0 });
  return new Proxy(ctx, { get: (t, k) => (k in t ? t[k] : noop) });
}

const contexts = new WeakMap();
const ctxOf = (canvas) => {
  if (!contexts.has(canvas)) contexts.set(canvas, recordingContext(canvas));
  return contexts.get(canvas);
};

beforeEach(() => {
  // canvas.js draws only where the user agent is not jsdom's
  vi.spyOn(navigator, "userAgent", "get").mockReturnValue("Mozilla/5.0 (test) Chrome/120");
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockImplementation(function () {
    return /** @type {any} */ (ctxOf(this));
  });
});
const mounted = [];
afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  document.body.innerHTML = "";
  vi.restoreAllMocks();
});

const tick = () => new Promise((r) => setTimeout(r, 0));
const key = (target, k) => target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true }));

/** A deterministic rows x cols matrix of values in (-1, 1), its largest |value| below `top`. */
function matrix(rows, cols, top = 0.9, seed = 1) {
  let s = seed;
  const rnd = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (rnd() * 2 - 1) * top));
}

function heatEditor(values) {
  const onEdit = vi.fn();
  const ed = createHeatmapEditor({ dataRef: "p:W_hi", onEdit });
  document.body.appendChild(ed.el);
  const state = (v) => ({
    values: v,
    symbol: { base: "W", sub: "hi", sup: "", text: "W_hi" },
    shape: `${v.length}\u00d7${v[0].length}`,
    ariaLabel: (r, c) => `W_hi row ${r + 1} column ${c + 1}`,
    cellKey: (r, c) => ({ name: "W_hi", r, c }),
  });
  ed.update(state(values));
  const canvas = /** @type {HTMLCanvasElement} */ (ed.el.querySelector("canvas"));
  return { ed, onEdit, canvas, ctx: ctxOf(canvas), update: (v) => ed.update(state(v)) };
}

const withEntry = (values, r, c, v) => values.map((row, i) => (i === r ? row.map((x, j) => (j === c ? v : x)) : row));

/** The fill a full repaint gives cell (r, c): canvas.js cellColor, the panel for no number. */
const expectedFill = (v, scale) =>
  rgb(cellColor(v, scale, { pos: [214, 69, 61], neg: [47, 111, 208], bg: [255, 255, 255] }) ?? [246, 246, 246]);

describe("a heat map repaints only the cells whose colour changed", () => {
  it("one entry edit of a 128x128 matrix: at most 2 fillRects, not 16,385", () => {
    const values = matrix(128, 128);
    const { ctx, update } = heatEditor(values);
    expect(ctx.fills).toBe(1 + 128 * 128); // the first draw: the gaps' colour, then every cell
    ctx.fills = 0;
    update(withEntry(values, 5, 7, -0.33));
    expect(ctx.fills).toBeGreaterThan(0);
    expect(ctx.fills).toBeLessThanOrEqual(2);
  });

  it("the same numbers in new arrays (Python's answer, a display copy) paint nothing", () => {
    const values = matrix(64, 128);
    const { ctx, update } = heatEditor(values);
    ctx.fills = 0;
    update(values.map((row) => row.slice()));
    expect(ctx.fills).toBe(0);
  });

  it("a new max |value| rescales: the cells whose colour moved are painted, and the picture equals a full repaint", () => {
    const { ctx, update } = heatEditor([[0]]);
    const geom = heatGeometry(20, 30);
    const probe = (r, c) => `${c * geom.cellW + 1},${r * geom.cellH + 1}`;
    for (let r = 0; r < 20; r++) for (let c = 0; c < 30; c++) ctx.probes.set(probe(r, c), "");
    let now = matrix(20, 30, 0.5);
    update(now); // a new shape: painted in full
    const check = () => {
      const scale = maxAbs(now);
      for (let r = 0; r < 20; r++)
        for (let c = 0; c < 30; c++) expect(ctx.probes.get(probe(r, c)), `${r},${c}`).toBe(expectedFill(now[r][c], scale));
    };
    check();
    now = now.map((row) => row.map((v) => -v)); // every colour flips
    update(now);
    check();
    for (const [r, c, v] of [
      [3, 4, 2], // a new maximum: (nearly) every colour changes
      [3, 4, 0.1], // back below: the scale shrinks again
      [0, 0, null], // a hidden number: the panel colour
      [19, 29, -0.3],
      [7, 8, 0],
    ]) {
      const scale = maxAbs(now);
      now = withEntry(now, r, c, v);
      ctx.fills = 0;
      update(now);
      // a new scale repaints the cells whose colour moved (nearly all for a 4x larger maximum)
      if (v === 2) expect(ctx.fills).toBeGreaterThan(400);
      else if (maxAbs(now) === scale) expect(ctx.fills).toBeLessThanOrEqual(2);
      check();
    }
  });

  it("a restored canvas context (it comes back blank) is repainted in full", () => {
    const { ctx, canvas } = heatEditor(matrix(16, 16));
    ctx.fills = 0;
    canvas.dispatchEvent(new Event("contextrestored"));
    expect(ctx.fills).toBe(1 + 16 * 16);
  });

  it("a new shape repaints in full", () => {
    const { ctx, update } = heatEditor(matrix(16, 16));
    ctx.fills = 0;
    update(matrix(16, 17));
    expect(ctx.fills).toBe(1 + 16 * 17);
  });

  it("a typed value paints its cell alone before the overlay comes back", () => {
    const { ctx, canvas, onEdit } = heatEditor(matrix(64, 128));
    const input = /** @type {HTMLInputElement} */ (canvas.parentElement?.querySelector("input.rnnw-heat-input"));
    canvas.focus();
    key(canvas, "Enter");
    ctx.fills = 0;
    input.value = "0.25";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    key(input, "Enter");
    expect(onEdit).toHaveBeenLastCalledWith(0, 0, 0.25, "commit");
    expect(ctx.fills).toBeLessThanOrEqual(2);
  });
});

describe("pure helpers of the partial repaint", () => {
  it("colour levels match canvas.js cellColor: equal levels, equal fills", () => {
    const C = { pos: [214, 69, 61], neg: [47, 111, 208], bg: [255, 255, 255] };
    const seen = new Map();
    for (const v of [0, -0, 1e-9, -1e-9, 0.01, 0.3, -0.3, 0.99, 1, -1, 3, null, Number.NaN]) {
      const level = colorLevel(v, 1);
      const fill = JSON.stringify(cellColor(v, 1, C));
      if (seen.has(level)) expect(seen.get(level)).toBe(fill);
      seen.set(level, fill);
    }
    expect(colorLevel(null, 1)).toBe(NO_LEVEL);
    expect(colorLevel(5, 0)).toBe(0);
    expect(colorLevel(-1, 1)).toBe(-60);
    const levels = colorLevels(
      [
        [0.5, -1],
        [null, 0],
      ],
      2,
      2,
      1,
    );
    expect([...levels]).toEqual([colorLevel(0.5, 1), -60, NO_LEVEL, 0]);
    expect(
      changedCells(
        levels,
        colorLevels(
          [
            [0.5, 1],
            [null, 0],
          ],
          2,
          2,
          1,
        ),
      ),
    ).toEqual([1]);
  });

  it("matrixStats is maxAbs, scrubStep and the finite range in one pass", () => {
    for (const m of [
      matrix(5, 7),
      [
        [1, 2],
        [-3, 0],
      ],
      [[0, 0]],
      [[null, 0.25]],
      [[null]],
      [[1e-7, -2e-7]],
      [[150.5, 3]],
    ]) {
      const finite = m.flat().filter((v) => typeof v === "number" && Number.isFinite(v));
      const st = matrixStats(m);
      expect(st.scale).toBe(maxAbs(m));
      expect(st.step).toBe(scrubStep(m));
      expect(st.lo).toBe(finite.length ? Math.min(...finite) : null);
      expect(st.hi).toBe(finite.length ? Math.max(...finite) : null);
    }
  });
});

describe("the overlay shares what an edit does not touch", () => {
  it("only the edited parameter and row are new objects; the value Python already holds changes nothing", () => {
    const params = { W: matrix(4, 5), U: matrix(3, 3), b: [1, 2, 3] };
    const base = { params, inputs: [[1], [2]] };
    const out = applyEdits(base, [{ field: "params", name: "W", index: [2, 3], value: 7 }]);
    expect(out.params).not.toBe(params);
    expect(out.params.U).toBe(params.U);
    expect(out.params.b).toBe(params.b);
    expect(out.inputs).toBe(base.inputs);
    expect(out.params.W).not.toBe(params.W);
    expect(out.params.W[0]).toBe(params.W[0]);
    expect(out.params.W[2]).not.toBe(params.W[2]);
    expect(out.params.W[2][3]).toBe(7);
    // Python's answer holds the value already: laying the edit over it is the identity
    const same = applyEdits(out, [{ field: "params", name: "W", index: [2, 3], value: 7 }]);
    expect(same.params).toBe(out.params);
    const seq = applyEdits(base, [{ field: "inputs", index: [1, 0], value: 2 }]);
    expect(seq.inputs).toBe(base.inputs);
  });
});

describe("packed arrays with the same bytes decode to the same object", () => {
  const pack = (m) => {
    const flat = m.flat();
    // at an odd offset, as buffers cut from a websocket message can be
    const buf = new ArrayBuffer(3 + flat.length * 8);
    const view = new DataView(buf, 3, flat.length * 8);
    flat.forEach((v, i) => view.setFloat64(i * 8, v, true));
    return { $packed: [m.length, m[0].length], data: view };
  };
  const packAligned = (m) => ({ $packed: [m.length, m[0].length], data: new DataView(new Float64Array(m.flat()).buffer) });

  it("a new params message: unchanged parameters keep their decoded arrays, the edited one is new", () => {
    for (const packer of [pack, packAligned]) {
      const decode = unpacker();
      const W = matrix(8, 6);
      const U = matrix(6, 6, 0.5, 7);
      const first = decode({ W: packer(W), U: packer(U) });
      expect(first.W).toEqual(W);
      const W2 = withEntry(W, 3, 2, 0.125);
      const second = decode({ W: packer(W2), U: packer(U) });
      expect(second).not.toBe(first);
      expect(second.U).toBe(first.U);
      expect(second.W).not.toBe(first.W);
      expect(second.W).toEqual(W2);
      // same bytes, another shape: decoded anew
      const third = decode({ W: { $packed: [6, 8], data: packer(W2).data }, U: packer(U) });
      expect(third.W).toHaveLength(6);
      expect(third.U).toBe(first.U);
    }
  });
});

describe("in the widget: one entry edit repaints one heat map", () => {
  /** the large LSTM (10 units: its W_h* and W_x* are heat maps), fills counted per parameter */
  function mountLstm() {
    const model = new FakeModel(fixtureState("large_lstm"));
    const el = document.createElement("div");
    document.body.appendChild(el);
    mounted.push(widget.render({ model, el }));
    const canvasOf = (name) => /** @type {HTMLCanvasElement} */ (el.querySelector(`.rnnw-matrix.rnnw-heat[data-ref='p:${name}'] canvas`));
    const names = Object.keys(model.get("params")).filter((n) => canvasOf(n));
    const reset = () => names.forEach((n) => (ctxOf(canvasOf(n)).fills = 0));
    const fills = () => Object.fromEntries(names.map((n) => [n, ctxOf(canvasOf(n)).fills]));
    return { model, el, canvasOf, names, reset, fills };
  }

  it("typing into W_hi: W_hi paints one cell, no other parameter repaints, through the overlay and Python's answer", async () => {
    const { model, canvasOf, names, reset, fills } = mountLstm();
    expect(names).toEqual(expect.arrayContaining(["W_hi", "W_hf", "W_xi"]));
    await tick();
    const canvas = canvasOf("W_hi");
    const input = /** @type {HTMLInputElement} */ (canvas.parentElement?.querySelector("input.rnnw-heat-input"));
    canvas.focus();
    key(canvas, "ArrowDown");
    key(canvas, "Enter");
    const before = model.get("params");
    const old = before.W_hi[1][0];
    reset();
    input.value = String(old / 2);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    key(input, "Enter");
    await tick();
    await tick();
    expect(model.edits().at(-1).edits).toEqual([{ field: "params", name: "W_hi", index: [1, 0], value: old / 2 }]);
    expect(model.get("params").W_hi[1][0]).toBe(old / 2); // Python (the fake) has it and answered
    const after = fills();
    expect(after.W_hi).toBeLessThanOrEqual(2);
    for (const n of names) if (n !== "W_hi") expect(after[n], n).toBe(0);
  });

  it("Python's params packed whole again (new buffers, same bytes but one entry): only that parameter's heat map paints", async () => {
    const { model, names, reset, fills } = mountLstm();
    await tick();
    const params = model.get("params");
    const packed = (p) =>
      Object.fromEntries(
        Object.entries(p).map(([k, v]) => {
          const m = Array.isArray(v[0]) ? v : [v];
          return [
            k,
            { $packed: Array.isArray(v[0]) ? [m.length, m[0].length] : [v.length], data: new DataView(new Float64Array(m.flat()).buffer) },
          ];
        }),
      );
    model.publish("params", packed(params));
    await tick();
    reset();
    const W_xf = params.W_xf.map((row, i) => (i === 1 ? row.map((x, j) => (j === 2 ? x + 0.5 : x)) : row));
    model.publish("params", packed({ ...params, W_xf }));
    await tick();
    const after = fills();
    expect(after.W_xf).toBeGreaterThan(0);
    for (const n of names) if (n !== "W_xf") expect(after[n], n).toBe(0);
  });
});

describe("a heat map paints when it can be seen", () => {
  /** An IntersectionObserver the test drives: report(true|false) tells every heat map where it is. */
  function fakeObserver() {
    const observers = [];
    class FakeIO {
      constructor(cb) {
        this.cb = cb;
        this.targets = [];
        observers.push(this);
      }
      observe(t) {
        this.targets.push(t);
      }
      disconnect() {
        this.targets = [];
      }
    }
    vi.stubGlobal("IntersectionObserver", FakeIO);
    return (isIntersecting) => observers.forEach((o) => o.targets.length && o.cb(o.targets.map((target) => ({ target, isIntersecting }))));
  }
  afterEach(() => vi.unstubAllGlobals());

  it("built out of the page: painted once it is in view, with the page's theme; scrolled away: painted on return", () => {
    const report = fakeObserver();
    const ed = createHeatmapEditor({ onEdit: () => {} });
    const values = matrix(16, 16);
    const state = (v) => ({ values: v, symbol: { base: "W", sub: "", sup: "", text: "W" }, ariaLabel: () => "" });
    ed.update(state(values)); // not in the page: nothing to paint with yet
    const ctx = ctxOf(ed.el.querySelector("canvas"));
    expect(ctx.fills).toBe(0);
    document.body.appendChild(ed.el);
    report(true);
    expect(ctx.fills).toBe(1 + 16 * 16);
    report(false);
    ctx.fills = 0;
    const edited = withEntry(values, 2, 3, -0.5);
    ed.update(state(edited));
    expect(ctx.fills).toBe(0); // out of view: no paint
    report(true);
    expect(ctx.fills).toBeGreaterThan(0); // back in view: the changed cell
    expect(ctx.fills).toBeLessThanOrEqual(2);
    ed.destroy();
  });

  it("the compact diagram of a widget out of view is drawn when it comes into view", async () => {
    const report = fakeObserver();
    const model = new FakeModel(fixtureState("large_lstm"));
    const el = document.createElement("div");
    document.body.appendChild(el);
    mounted.push(widget.render({ model, el }));
    await tick();
    const canvas = /** @type {HTMLCanvasElement} */ (el.querySelector(".rnnw-cdiagram canvas"));
    const ctx = ctxOf(canvas);
    expect(ctx.fills).toBe(0);
    report(true);
    expect(ctx.fills).toBeGreaterThan(0);
  });
});
