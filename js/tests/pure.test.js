import { describe, it, expect } from "vitest";
import { formatNumber, formatVector, formatForEditing, MINUS } from "../data/format.js";
import { parseNumber } from "../data/parse.js";
import { diverging, maxAbs, mixRgb, MAX_MIX } from "../geometry/colors.js";
import { buildSlides, visibility, slideCaption, clampReveal } from "../data/slides.js";
import { stepFormula, tokensText } from "../data/step_formula.js";
import { diagramLayout, isCompact } from "../geometry/diagram_layout.js";
import { related, ref } from "../data/refs.js";
import { paramSymbol, stateBase, splitLayer } from "../data/names.js";
import { fixtureState, fixtureTrace } from "./fixture.js";

// Tom Yeh's exercise (seed 000) as Python publishes it: the preset names the hidden state H.
const tomYehTrace = () => fixtureTrace("tom_yeh");
const tomYehState = () => fixtureState("tom_yeh");

describe("format", () => {
  it("prints integers without decimals and uses a real minus", () => {
    expect(formatNumber(17)).toBe("17");
    expect(formatNumber(-3)).toBe(`${MINUS}3`);
    expect(formatNumber(16.000000000001)).toBe("16");
    expect(formatNumber(-0)).toBe("0");
  });
  it("gives non-integers a few significant digits", () => {
    expect(formatNumber(0.83365)).toBe("0.8337");
    expect(formatNumber(-0.9801)).toBe(`${MINUS}0.9801`);
    expect(formatNumber(0.5)).toBe("0.5");
    expect(formatNumber(123.456)).toBe("123.5");
    expect(formatNumber(0.46211, { digits: 3 })).toBe("0.462");
  });
  it("uses exponents for tiny and huge values, blanks for null", () => {
    expect(formatNumber(0.00012345)).toBe(`1.23e${MINUS}4`);
    expect(formatNumber(2.5e7)).toBe("2.5e7");
    expect(formatNumber(null)).toBe("");
    expect(formatNumber(NaN)).toBe("NaN");
  });
  it("formats vectors and editing text", () => {
    expect(formatVector([1, 17])).toBe("[1, 17]");
    expect(formatVector([-3, null])).toBe(`[${MINUS}3, ]`);
    expect(formatForEditing(-1.5)).toBe("-1.5");
    expect(formatForEditing(0.1 + 0.2)).toBe("0.3");
  });
});

describe("parse", () => {
  it.each([
    ["-1.5", -1.5],
    ["1e-3", 0.001],
    [" 2 ", 2],
    ["\u22123", -3],
    ["+4", 4],
    [".5", 0.5],
    ["1E2", 100],
    ["-0", 0],
  ])("accepts %j", (text, value) => {
    const r = parseNumber(text);
    expect(r.ok).toBe(true);
    expect(r.value).toBe(value);
  });
  it.each(["abc", "", "   ", "NaN", "Infinity", "-inf", "1/0", "1e400", "2e6", "-1000001", "1.2.3", "3x", "0x10"])(
    "rejects %j with a message",
    (text) => {
      const r = parseNumber(text);
      expect(r.ok).toBe(false);
      expect(r.message).toMatch(/:/);
    },
  );
  it("names what was wrong and what is expected", () => {
    expect(parseNumber("abc").message).toBe("'abc' is not a number: type a finite number such as -0.5");
    expect(parseNumber("").message).toMatch(/^Empty entry/);
    expect(parseNumber("NaN").message).toMatch(/not a finite number/);
    expect(parseNumber("1/0").message).toMatch(/formulas are not evaluated/);
    expect(parseNumber("2e6").message).toMatch(/too large.*between -1000000 and 1000000/);
    expect(parseNumber("1,5").message).toMatch(/use a dot.*1\.5/);
  });
  it("accepts the limit itself", () => {
    expect(parseNumber("1e6")).toEqual({ ok: true, value: 1e6 });
  });
});

describe("colors", () => {
  it("maps sign and magnitude relative to the matrix max", () => {
    expect(
      maxAbs([
        [1, -3],
        [2, null],
      ]),
    ).toBe(3);
    expect(diverging(0, 5).sign).toBe("zero");
    expect(diverging(-5, 5)).toEqual({ sign: "neg", strength: 1, mix: MAX_MIX });
    const half = diverging(2.5, 5);
    expect(half.sign).toBe("pos");
    expect(half.strength).toBe(0.5);
    expect(half.mix).toBeGreaterThan(0);
    expect(half.mix).toBeLessThan(MAX_MIX);
    expect(diverging(null, 5).sign).toBe("none");
    expect(diverging(3, 0).sign).toBe("zero");
  });
  it("interpolates rgb for exports", () => {
    expect(mixRgb(0, 1)).toBe("rgb(255, 255, 255)");
    expect(mixRgb(1, 1)).not.toBe(mixRgb(-1, 1));
  });
});

describe("names", () => {
  it("uses display names as given and marks transposes in the column view", () => {
    expect(paramSymbol("W_hh", "column", { W_hh: "A" }).text).toBe("A");
    expect(paramSymbol("W_hh", "column", {}).text).toBe("W_hh\u1d40");
    expect(paramSymbol("W_hh", "row", {})).toMatchObject({ base: "W", sub: "hh", sup: "" });
    expect(paramSymbol("b_h", "column", {}).sup).toBe("");
    expect(paramSymbol("W_xh@2", "row", {})).toMatchObject({ sup: "(2)", text: "W_xh\u207d\u00b2\u207e" });
    expect(paramSymbol("W_hh@2", "column", {}).sup).toBe("(2)T");
    expect(stateBase("h", 1, { "h@2": "k" })).toBe("k");
    expect(splitLayer("b_h@3")).toEqual({ stem: "b_h", layer: 2 });
  });
});

describe("slides", () => {
  const trace = tomYehTrace();
  const slides = buildSlides(trace, "many-to-many");
  it("follows seed 000: init, then h and y per step", () => {
    expect(slides.length).toBe(1 + 4 * 2);
    expect(slides[1]).toEqual({ kind: "h", t: 0, layer: 0 });
    expect(slides[2]).toEqual({ kind: "y", t: 0 });
  });
  it("skips unscored outputs (many-to-one) and handles no readout", () => {
    const t2 = { ...trace, scored: [false, false, false, true] };
    expect(buildSlides(t2, "many-to-one").filter((s) => s.kind === "y")).toEqual([{ kind: "y", t: 3 }]);
    expect(buildSlides({ ...trace, y: null }, "many-to-many").length).toBe(5);
    const two = { ...trace, layers: [trace.layers[0], trace.layers[0]] };
    expect(buildSlides(two, "many-to-many").slice(1, 4)).toEqual([
      { kind: "h", t: 0, layer: 0 },
      { kind: "h", t: 0, layer: 1 },
      { kind: "y", t: 0 },
    ]);
  });
  it("reveals what slides 0..n computed", () => {
    const v = visibility(slides, 3);
    expect(v.h(0, -1)).toBe(true);
    expect(v.h(0, 0)).toBe(true);
    expect(v.y(0)).toBe(true);
    expect(v.h(0, 1)).toBe(true);
    expect(v.y(1)).toBe(false);
    expect(v.h(0, 2)).toBe(false);
    expect(visibility(slides, -1).h(0, 3)).toBe(true);
    expect(visibility(slides, 0).h(0, 0)).toBe(false);
    expect(clampReveal(99, slides)).toBe(8);
  });
  it("writes captions like the slides", () => {
    const opts = { convention: "column", displayNames: tomYehState().display_names };
    expect(slideCaption(slides, 0, trace, opts)).toBe("[1] The hidden state is initialized to [0, 0].");
    expect(slideCaption(slides, 3, trace, opts)).toBe("[4] x2 and H1 are combined with A and B, then ReLU \u2192 H2 = [1, 17]");
    expect(slideCaption(slides, 4, trace, opts)).toBe("[5] H2 is multiplied by C \u2192 y2 = [16]");
  });
});

describe("formula", () => {
  const trace = tomYehTrace();
  const st = tomYehState();
  const text = (f) => f.blocks.map((b) => [tokensText(b.lhs, formatNumber), ...b.rows.map((r) => tokensText(r, formatNumber))].join(" = "));
  it("plugs the numbers in, column form", () => {
    const f = stepFormula(trace, { t: 1, convention: "column", displayNames: st.display_names, params: st.params });
    expect(text(f)).toEqual([
      `H2 = ReLU(A H1 + B x2) = ReLU(A [3, 6] + B [4]) = ReLU([${MINUS}3, 9] + [4, 8]) = ReLU([1, 17]) = [1, 17]`,
      "y2 = C H2 = C [1, 17] = [16]",
    ]);
  });
  it("row form with canonical names and a bias", () => {
    const params = { ...st.params, b_h: [0, 0] };
    const f = stepFormula(trace, { t: 1, convention: "row", displayNames: {}, params });
    expect(text(f)[0]).toBe(
      `h2 = ReLU(x2 W_xh + h1 W_hh + b_h) = ReLU([4] W_xh + [3, 6] W_hh + [0, 0]) = ReLU([4, 8] + [${MINUS}3, 9] + [0, 0]) = ReLU([1, 17]) = [1, 17]`,
    );
    expect(text(f)[1]).toBe("y2 = h2 W_hy = [1, 17] W_hy = [16]");
  });
  it("blanks values not yet revealed and links terms", () => {
    const slides = buildSlides(trace, "many-to-many");
    const vis = visibility(slides, 3); // h2 shown, y2 not
    const f = stepFormula(trace, { t: 1, convention: "column", displayNames: st.display_names, params: st.params, vis });
    expect(text(f)[1]).toBe("y2 = C H2 = C [1, 17] = [_]");
    const g = stepFormula(trace, { t: 2, convention: "column", displayNames: st.display_names, params: st.params, vis });
    expect(text(g)[0]).toMatch(/= \[_, _\]$/);
    const refs = f.blocks[0].rows[0].map((k) => k.ref).filter(Boolean);
    expect(refs).toEqual(["p:W_hh", "h:0:0", "p:W_xh", "x:1"]);
  });
  it("shows every LSTM gate line", () => {
    const v = (a) => [a, a];
    const lstm = {
      T: 1,
      cell: "lstm",
      activation: "tanh",
      x: [[1]],
      scored: [true],
      y: null,
      y_pre: null,
      layers: [
        {
          size: 2,
          h0: [0, 0],
          c0: [0, 0],
          values: {
            z_i: [v(0.1)],
            z_f: [v(0.2)],
            z_c: [v(0.3)],
            z_o: [v(0.4)],
            i: [v(0.52)],
            f: [v(0.55)],
            o: [v(0.6)],
            c_tilde: [v(0.29)],
            c: [v(0.15)],
            tanh_c: [v(0.149)],
            h: [v(0.0894)],
          },
        },
      ],
    };
    const f = stepFormula(lstm, { t: 0, convention: "row", params: {} });
    const lines = text(f);
    expect(lines.length).toBe(6);
    expect(lines[0]).toBe("i1 = \u03c3(x1 W_xi + h0 W_hi) = \u03c3([1] W_xi + [0, 0] W_hi) = \u03c3([0.1, 0.1]) = [0.52, 0.52]");
    expect(lines[4]).toBe(
      "c1 = f1 \u2299 c0 + i1 \u2299 c\u03031 = [0.55, 0.55] \u2299 [0, 0] + [0.52, 0.52] \u2299 [0.29, 0.29] = [0.15, 0.15]",
    );
    expect(lines[5]).toMatch(/^h1 = o1 \u2299 tanh\(c1\) = /);
  });
  it("returns nothing for a step out of range", () => {
    expect(stepFormula(trace, { t: 9 }).blocks).toEqual([]);
  });
});

describe("layout", () => {
  it("places one column per step and one row per layer", () => {
    const g = diagramLayout({ T: 4, inputSize: 1, layerSizes: [2], outputSize: 1 });
    expect(g.compact).toBe(false);
    expect(g.columns.length).toBe(4);
    expect(g.nodes.filter((n) => n.kind === "h").length).toBe(4);
    expect(g.nodes.filter((n) => n.kind === "h0").length).toBe(1);
    const y = g.nodes.find((n) => n.ref === "y:0");
    const h = g.nodes.find((n) => n.ref === "h:0:0");
    const x = g.nodes.find((n) => n.ref === "x:0");
    expect(y.y).toBeLessThan(h.y);
    expect(h.y).toBeLessThan(x.y);
    expect(g.edges.filter((e) => e.kind === "recurrent").length).toBe(4);
    expect(g.edges.every((e) => Number.isFinite(e.x1 + e.y2))).toBe(true);
    expect(g.width).toBeGreaterThan(g.columns[3].x);
  });
  it("switches to the compact form for large sizes", () => {
    expect(isCompact({ T: 4, inputSize: 1, layerSizes: [9] })).toBe(true);
    expect(isCompact({ T: 17, inputSize: 1, layerSizes: [2] })).toBe(true);
    expect(isCompact({ T: 16, inputSize: 8, layerSizes: [8, 8], outputSize: 8 })).toBe(false);
    const g = diagramLayout({ T: 40, inputSize: 3, layerSizes: [64, 64], outputSize: 2 });
    expect(g.compact).toBe(true);
    expect(g.cellH).toBeGreaterThanOrEqual(4);
    const tallest = Math.max(...g.nodes.map((n) => n.h));
    expect(tallest).toBeLessThanOrEqual(300);
  });
  it("has no readout row without outputs", () => {
    const g = diagramLayout({ T: 2, inputSize: 1, layerSizes: [2, 3] });
    expect(g.nodes.some((n) => n.kind === "y")).toBe(false);
    expect(g.edges.filter((e) => e.kind === "up").length).toBe(2);
  });
});

describe("links", () => {
  it("h2 comes from h1, x2, A, B and goes to y2 and h3", () => {
    const { sources, targets } = related(ref.h(0, 1), { T: 4, L: 1, hasY: true, paramNames: ["W_hh", "W_xh", "W_hy"] });
    expect([...sources].sort()).toEqual(["h:0:0", "p:W_hh", "p:W_xh", "x:1"]);
    expect([...targets].sort()).toEqual(["h:0:2", "p:W_hy", "y:1"]);
  });
  it("a parameter feeds every state of its layer", () => {
    const { targets } = related("p:W_hh@2", { T: 2, L: 2, hasY: false, paramNames: ["W_hh", "W_hh@2"] });
    expect([...targets]).toEqual(["h:1:0", "h:1:1"]);
  });
});
