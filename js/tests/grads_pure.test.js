import { describe, it, expect } from "vitest";
import { logScale, linearScale, decadesSpanned, powerLabel, niceStep, stepTicks } from "../geometry/scales.js";
import { curveOf, lossCurveLayout, jacobianLayout, polyline } from "../geometry/chart_layout.js";
import { barGeometry, gateBlockLayout, gatesOf } from "../data/gates.js";
import { bpttFocus, dhVisible, isCut, arrowStyle, backwardArrows, clampBpttStep, bpttFromInputs } from "../data/bptt.js";
import { backwardFormula, transposedSymbol } from "../data/backward_formula.js";
import { stepFormula, tokensText } from "../data/step_formula.js";
import { diagramLayout } from "../geometry/diagram_layout.js";
import { editTrainOption } from "../view/training_panel.js";
import { formatNumber, MINUS } from "../data/format.js";
import { fixtureState, fixtureTrace } from "./fixture.js";

// Python's states (scripts/make_fixtures.py): an LSTM with targets and round weights, seed 003
// after 5 SGD steps, and Tom Yeh's exercise.
const lstmGrads = () => fixtureState("lstm_grads");
const tomYehTrace = () => fixtureTrace("tom_yeh");

const line = (b) => [tokensText(b.lhs, formatNumber), ...b.rows.map((r) => tokensText(r, formatNumber))].join(" = ");

describe("log scale", () => {
  it("widens to whole decades and maps them evenly", () => {
    const s = logScale([0.02, 3], [100, 0]);
    expect(s.lo).toBeCloseTo(0.01);
    expect(s.hi).toBe(10);
    expect(s.map(0.01)).toBe(100);
    expect(s.map(10)).toBe(0);
    expect(s.map(0.1)).toBeCloseTo(100 - 100 / 3);
    expect(s.ticks.map((t) => t.label)).toEqual([`10${"\u207b"}\u00b2`, `10${"\u207b"}\u00b9`, "1", "10"]);
  });
  it("maps zero and negatives to null and survives a flat or empty series", () => {
    const s = logScale([0, -1, 5], [0, 10]);
    expect(s.map(0)).toBeNull();
    expect(s.map(-1)).toBeNull();
    expect(logScale([5, 5], [0, 10]).ticks.map((t) => t.label)).toEqual(["1", "10"]);
    expect(logScale([], [0, 10]).ticks.length).toBe(3);
  });
  it("thins the ticks of a wide range, keeping the top decade", () => {
    const s = logScale([1e-9, 1], [0, 100], { maxTicks: 6 });
    expect(s.ticks.length).toBeLessThanOrEqual(6);
    expect(s.ticks[s.ticks.length - 1].label).toBe("1");
    const gaps = s.ticks.slice(1).map((t, i) => Math.log10(t.value) - Math.log10(s.ticks[i].value));
    expect(new Set(gaps.map((g) => Math.round(g))).size).toBe(1);
  });
  it("labels powers and counts decades", () => {
    expect(powerLabel(0)).toBe("1");
    expect(powerLabel(1)).toBe("10");
    expect(powerLabel(-3)).toBe("10\u207b\u00b3");
    expect(decadesSpanned([0.001, 10])).toBeCloseTo(4);
    expect(decadesSpanned([3])).toBe(0);
  });
  it("linear ticks are nice numbers from 0", () => {
    expect(niceStep(43, 4)).toBe(20);
    const s = linearScale([3, 43], [100, 0]);
    expect(s.ticks.map((t) => t.value)).toEqual([0, 20, 40, 60]);
    expect(s.map(0)).toBe(100);
    const st = stepTicks(197, [0, 100]);
    expect(st.ticks[st.ticks.length - 1].value).toBe(197);
    expect(st.ticks.every((t, i) => i === 0 || t.value - st.ticks[i - 1].value >= 25)).toBe(true);
  });
});

describe("chart layouts", () => {
  it("loss curve is linear for a small range and log past two decades", () => {
    const lin = lossCurveLayout([4, 3, 2.5, 2]);
    expect(lin.log).toBe(false);
    expect(lin.points.length).toBe(4);
    expect(lin.points[0].x).toBe(lin.x0);
    expect(lin.points[3].x).toBe(lin.x1);
    expect(lin.points[0].y).toBeLessThan(lin.points[3].y); // higher loss drawn higher
    const log = lossCurveLayout([44, 5, 0.3, 0.01]);
    expect(log.log).toBe(true);
    expect(log.yTicks.some((t) => t.label === "1")).toBe(true);
    expect(log.path.startsWith("M")).toBe(true);
    expect(lossCurveLayout([]).path).toBe("");
  });
  it("jacobian norms: one line per layer, zeros on the floor", () => {
    const L = jacobianLayout([[1e-6, 0, 0.01, 1], null]);
    expect(L.lines[1]).toBeNull();
    const pts = L.lines[0].points;
    expect(pts.length).toBe(4);
    expect(pts[1].floor).toBe(true);
    expect(pts[1].y).toBe(L.y0);
    expect(pts[0].y).toBeGreaterThan(pts[2].y);
    expect(pts[3].y).toBeCloseTo(L.y1);
  });
  it("polyline breaks at gaps", () => {
    expect(
      polyline([
        { x: 0, y: 1 },
        { x: 1, y: null },
        { x: 2, y: 3 },
      ]),
    ).toBe("M0.0 1.0 M2.0 3.0");
  });
});

describe("gates", () => {
  it("a gate's bar fills its value's fraction, clamped", () => {
    expect(barGeometry(0.73, { x: 10, w: 100 })).toEqual({ x: 10, width: 73, frac: 0.73 });
    expect(barGeometry(1.5, { w: 40 }).width).toBe(40);
    expect(barGeometry(-0.2, { w: 40 }).width).toBe(0);
    expect(barGeometry(null, { w: 40 }).width).toBe(0);
  });
  it("a candidate grows from the middle", () => {
    expect(barGeometry(0.5, { x: 0, w: 40, kind: "candidate" })).toEqual({ x: 20, width: 10, frac: 0.5 });
    expect(barGeometry(-1, { x: 0, w: 40, kind: "candidate" })).toEqual({ x: 0, width: 20, frac: -1 });
  });
  it("lists each cell's gates and lays out a table or strips", () => {
    expect(gatesOf("lstm").map((g) => g.label)).toEqual(["i", "f", "c\u0303", "o"]);
    expect(gatesOf("gru").map((g) => g.value)).toEqual(["r", "z", "n"]);
    expect(gatesOf("rnn")).toEqual([]);
    const t = gateBlockLayout("lstm", 2);
    expect(t.style).toBe("table");
    expect(t.rows.length).toBe(4);
    expect(t.rows[1].cells.length).toBe(2);
    expect(t.rows[1].y).toBeGreaterThan(t.rows[0].y);
    const s = gateBlockLayout("gru", 12, { compact: true, cellH: 6 });
    expect(s.style).toBe("strips");
    expect(s.h).toBe(s.header + 72);
    expect(s.rows[2].cells[11].y + s.rows[2].cells[11].h).toBe(s.h);
  });
  it("the diagram layout adds c above h, gates below, and dL/dh when asked", () => {
    const g = diagramLayout({ T: 3, inputSize: 1, layerSizes: [2], outputSize: 1, cell: "lstm", grads: true });
    const row = (k) => g.rows.find((r) => r.kind === k);
    expect(row("c").y).toBeLessThan(row("h").y);
    expect(row("h").y).toBeLessThan(row("dh").y);
    expect(row("dh").y).toBeLessThan(row("g").y);
    expect(g.nodes.filter((n) => n.kind === "c0").length).toBe(1);
    expect(g.nodes.filter((n) => n.kind === "g").length).toBe(3);
    expect(g.edges.filter((e) => e.kind === "belt").length).toBe(3);
    expect(g.edges.filter((e) => e.kind === "gate").length).toBe(3);
    // the gate block fits between the columns
    const blocks = g.nodes.filter((n) => n.kind === "g");
    expect(blocks[1].x).toBeGreaterThan(blocks[0].x + blocks[0].w);
    const plain = diagramLayout({ T: 3, inputSize: 1, layerSizes: [2], outputSize: 1 });
    expect(plain.rows.map((r) => r.kind)).toEqual(["y", "h", "x"]);
  });
});

describe("bptt stepping", () => {
  it("n steps back shows dL/dh_t for t >= T-1-n", () => {
    expect(bpttFocus(4, -1)).toBeNull();
    expect(bpttFocus(4, 0)).toBe(3);
    expect(bpttFocus(4, 2)).toBe(1);
    expect(bpttFocus(4, 9)).toBe(0);
    expect([0, 1, 2, 3].map((t) => dhVisible(t, 4, 1))).toEqual([false, false, true, true]);
    expect([0, 1, 2, 3].every((t) => dhVisible(t, 4, -1))).toBe(true);
    expect(clampBpttStep(4, 7)).toBe(3);
    expect(clampBpttStep(4, -5)).toBe(-1);
  });
  it("truncation cuts at multiples of k, as the core does", () => {
    expect([0, 1, 2, 3, 4].map((t) => isCut(t, 2))).toEqual([false, false, true, false, true]);
    expect(isCut(3, null)).toBe(false);
  });
  it("arrow width and opacity grow with the size of what flows", () => {
    expect(arrowStyle(0, 1)).toEqual({ width: 0, opacity: 0 });
    expect(arrowStyle(1, 1)).toEqual({ width: 7, opacity: 1 });
    const small = arrowStyle(0.01, 1);
    expect(small.width).toBeGreaterThan(1);
    expect(small.width).toBeLessThan(2);
    const a = backwardArrows(
      [
        [3, 4],
        [0, 0.5],
        [0, 0],
      ],
      { T: 3, truncate: 2, bpttStep: 0 },
    );
    expect(a.map((x) => [x.from, x.to, x.norm, x.cut, x.visible])).toEqual([
      [1, 0, 5, false, false],
      [2, 1, 0.5, true, false],
    ]);
    expect(a[1].width).toBe(0);
  });
  it("reads the clip and truncate inputs", () => {
    expect(bpttFromInputs("", "off")).toEqual({ clip_norm: null, truncate: null, valid: true });
    expect(bpttFromInputs(" 1.5 ", "3")).toEqual({ clip_norm: 1.5, truncate: 3, valid: true });
    expect(bpttFromInputs("abc", "off").valid).toBe(false);
    expect(bpttFromInputs("-1", "off").valid).toBe(false);
  });
  it("training options are checked before they are sent", () => {
    expect(editTrainOption({ lr: 0.1, steps: 5 }, "lr", "0.02").options).toEqual({ lr: 0.02, steps: 5 });
    expect(editTrainOption({}, "lr", "0").error).toMatch(/positive/);
    expect(editTrainOption({}, "momentum", "1").error).toMatch(/below 1/);
    expect(editTrainOption({}, "steps", "2.5").error).toMatch(/whole number/);
    expect(editTrainOption({}, "steps", "x").error).toMatch(/not a number/);
  });
});

describe("chain-rule tokens", () => {
  const g = {
    params: {},
    per_step: null,
    norm: 1,
    scale: 1,
    truncate: null,
    dy: [[1], [2], [3], [4]],
    dh: [
      [
        [0.5, 0.6],
        [-3, 9],
        [7, 8],
        [-4, 4],
      ],
    ],
    dh_direct: [
      [
        [-1, 1],
        [-2, 2],
        [-3, 3],
        [-4, 4],
      ],
    ],
    dh_future: [
      [
        [1.5, -0.4],
        [-1, 7],
        [10, 5],
        [0, 0],
      ],
    ],
    dpre: [
      {
        a: [
          [0.5, 0.6],
          [-3, 9],
          [0, 8],
          [0, 4],
        ],
      },
    ],
    dc: [null],
    jacobian_norms: [[0.1, 0.2, 0.5, 1, 1]],
  };
  const trace = { ...tomYehTrace(), loss: 1, grads: g };
  it("dL/dh_t = direct + future with the numbers (row view)", () => {
    const f = backwardFormula(trace, { t: 1, convention: "row" });
    expect(f.blocks.map((b) => b.key)).toEqual(["dy", "dh:0", "da:0"]);
    expect(line(f.blocks[0])).toBe("\u2202L/\u2202y2 = [2]");
    expect(line(f.blocks[1])).toBe(
      `\u2202L/\u2202h2 = \u2202L/\u2202y2 W_hy\u1d40 + \u2202L/\u2202h3 \u00b7 \u2202h3 / \u2202h2 = ([2] W_hy\u1d40) + [${MINUS}1, 7] = [${MINUS}2, 2] + [${MINUS}1, 7] = [${MINUS}3, 9]`,
    );
    expect(line(f.blocks[2])).toBe(
      `\u2202L/\u2202a2 = \u2202L/\u2202h2 \u2299 ReLU\u2032(a2) = [${MINUS}3, 9] \u2299 ReLU\u2032([1, 17]) = [${MINUS}3, 9]`,
    );
  });
  it("column view with display names writes C^T dy; the last step has no future term", () => {
    const f = backwardFormula(trace, { t: 3, convention: "column", displayNames: { W_hy: "C" } });
    expect(line(f.blocks[1])).toBe(`\u2202L/\u2202h4 = C\u1d40 \u2202L/\u2202y4 = C\u1d40 [4] = [${MINUS}4, 4]`);
    expect(transposedSymbol("W_hy", "column", {}).sup).toBe("");
    expect(transposedSymbol("W_hy", "row", {}).sup).toBe("T");
  });
  it("a truncated link says so", () => {
    const cut = { ...trace, grads: { ...g, truncate: 2 } };
    const f = backwardFormula(cut, { t: 1, convention: "row" });
    expect(line(f.blocks[1])).toContain("0 (cut by truncation)");
  });
  it("LSTM: dL/dc and every gate's pre-activation, from Python's trace", () => {
    const st = lstmGrads();
    const f = backwardFormula(st.trace, { t: 1, convention: "row" });
    expect(f.blocks.map((b) => b.key)).toEqual(["dy", "dh:0", "dc:0", "dz_i:0", "dz_f:0", "dz_c:0", "dz_o:0"]);
    expect(f.blocks[2].rows[1][0].values).toEqual(st.trace.grads.dc[0][1]);
  });
  it("gives nothing without gradients", () => {
    expect(backwardFormula(tomYehTrace(), { t: 0 }).blocks).toEqual([]);
  });
});

describe("gate formulas", () => {
  const st = lstmGrads();
  it("writes each gate in the separate and the concatenated form, with numbers", () => {
    const f = stepFormula(st.trace, { t: 1, convention: "row", params: st.params });
    const fb = f.blocks.find((b) => b.key === "f:0");
    const text = line(fb);
    expect(text).toContain("f2 = \u03c3(x2 W_xf + h1 W_hf + b_f) = \u03c3([0.5] W_xf + [0.2248, \u22120.1585] W_hf + [1, 1])");
    expect(text).toContain("\u03c3(Wf [h1, x2] + b_f)");
    // W_f = [W_hf^T | W_xf^T]: W_hf = [[0.3, -0.1], [0.2, 0.5]], W_xf = [[0.2, 0.4]]
    const mat = fb.rows[3].find((k) => k.t === "mat");
    expect(mat.rows).toEqual([
      [0.3, 0.2, 0.2],
      [-0.1, 0.5, 0.4],
    ]);
    expect(text).toMatch(/= \[0\.7569, 0\.7499\]$/);
    expect(f.blocks[0].key).toBe("concat:0");
  });
  it("gateForm chooses one form", () => {
    const sep = stepFormula(st.trace, { t: 1, params: st.params, gateForm: "separate" });
    expect(sep.blocks.some((b) => b.key === "concat:0")).toBe(false);
    expect(sep.blocks.find((b) => b.key === "i:0").rows.length).toBe(4);
    const cat = stepFormula(st.trace, { t: 1, params: st.params, gateForm: "concat" });
    expect(cat.blocks.find((b) => b.key === "i:0").rows.length).toBe(4);
    expect(tokensText(cat.blocks.find((b) => b.key === "i:0").rows[0], formatNumber)).toBe("\u03c3(Wi [h1, x2] + b_i)");
  });
  it("seed 003 after 5 SGD steps is many-to-one with a falling loss curve", () => {
    const nn = fixtureState("next_number_trained");
    expect(nn.trace.scored).toEqual([false, false, false, false, true]);
    expect(nn.loss_curve.step).toEqual([1, 2, 3, 4, 5]);
    expect(nn.loss_curve.loss[4]).toBeLessThan(nn.loss_curve.loss[0]);
    expect(nn.training).toMatchObject({ running: false, step: 5, total: 5 });
  });
});

describe("loss_curve (thinned by Python)", () => {
  it("curveOf accepts the trait or a plain list and drops non-numbers", () => {
    expect(curveOf({ step: [1, 5, 9], loss: [3, 2, 1] })).toEqual({ step: [1, 5, 9], loss: [3, 2, 1] });
    expect(curveOf([4, 2])).toEqual({ step: [1, 2], loss: [4, 2] });
    expect(curveOf({ step: [1, 2], loss: [1, null] })).toEqual({ step: [1], loss: [1] });
    expect(curveOf(undefined)).toEqual({ step: [], loss: [] });
  });
  it("points sit at their own step, so a thinned curve spans the whole training", () => {
    const L = lossCurveLayout({ step: [1, 500, 1000], loss: [10, 1, 0.01] });
    expect(L.points.map((p) => p.step)).toEqual([0, 499, 999]);
    expect(L.points[2].x).toBeCloseTo(L.x1, 6);
    expect(L.points[0].x).toBeCloseTo(L.x0, 6);
    expect(L.log).toBe(true);
  });
});
