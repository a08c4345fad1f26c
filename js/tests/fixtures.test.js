// The front end's pure modules on real Python data: every fixture in js/tests/fixtures/ is the
// synced state of an RNNWidget written by scripts/make_fixtures.py (presets, and RNN, LSTM and GRU
// networks with targets). Drift between what Python sends and what the page reads fails here, not
// only in the browser tests.
import { describe, it, expect } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { formatNumber, formatVector } from "../data/format.js";
import { buildSlides, slideCaption } from "../data/slides.js";
import { stepFormula, tokensText } from "../data/step_formula.js";
import { unpack } from "../data/packed.js";

// (under jsdom import.meta.url is not a file URL; vitest's __dirname is this folder)
const DIR = join(__dirname, "fixtures");
const MAKE = ".venv/bin/python scripts/make_fixtures.py";

function loadFixtures() {
  if (!existsSync(DIR)) return [];
  return readdirSync(DIR)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(DIR, f), "utf8")));
}

const FIXTURES = loadFixtures();

const shapeOf = (a) => (Array.isArray(a) ? [a.length, ...shapeOf(a[0])] : []);
const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
const allNumbers = (a) => (Array.isArray(a) ? a.length > 0 && a.every(allNumbers) : isNumber(a));

/** Every number a formula token shows must be a real number read from the trace. */
function badTokens(rows) {
  const bad = [];
  for (const row of rows) {
    for (const k of row) {
      if (k.t === "vec" && !(Array.isArray(k.values) && k.values.every((v) => isNumber(v) || (k.hidden && v === null)))) bad.push(k);
      if (k.t === "mat" && !allNumbers(k.rows)) bad.push(k);
    }
  }
  return bad;
}

/** base64 float64 bytes -> the DataView ipywidgets hands the page. */
function withDataViews(value) {
  if (Array.isArray(value)) return value.map(withDataViews);
  if (value && typeof value === "object") {
    if (value.$packed) {
      const bytes = Buffer.from(value.base64, "base64");
      const copy = new Uint8Array(bytes.length);
      copy.set(bytes);
      return { $packed: value.$packed, data: new DataView(copy.buffer) };
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withDataViews(v)]));
  }
  return value;
}

describe("fixtures from Python", () => {
  it(`exist: run \`${MAKE}\` first`, () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(10);
    const names = FIXTURES.map((f) => f.name);
    expect(names).toContain("tom_yeh");
    for (const cell of ["rnn", "lstm", "gru"]) {
      expect(FIXTURES.some((f) => f.state.spec.cell === cell && f.state.trace.grads)).toBe(true);
    }
    expect(FIXTURES.some((f) => f.state.spec.hidden_sizes.length > 1 && f.state.trace.grads)).toBe(true);
    expect(FIXTURES.some((f) => f.trace_packed)).toBe(true);
  });
});

describe.each(FIXTURES.map((f) => [f.name, f]))("%s", (_name, fx) => {
  const { state } = fx;
  const { trace, spec, params } = state;

  it("has the shapes the page assumes (docs/protocol.md)", () => {
    expect(trace.T).toBe(state.inputs.length);
    expect(trace.x.length).toBe(trace.T);
    expect(trace.cell).toBe(spec.cell);
    expect(trace.layers.map((l) => l.size)).toEqual(spec.hidden_sizes);
    expect([...state.param_order].sort()).toEqual(Object.keys(params).sort());
    trace.layers.forEach((layer, l) => {
      expect(layer.h0).toEqual(state.h0[l]);
      for (const [key, v] of Object.entries(layer.values)) expect(shapeOf(v), key).toEqual([trace.T, layer.size]);
    });
    if (spec.output_size != null) expect(shapeOf(trace.y)).toEqual([trace.T, spec.output_size]);
    else expect(trace.y).toBe(null);
    expect(trace.scored.length).toBe(trace.T);
    expect(Boolean(trace.grads)).toBe(state.targets !== null);
  });

  it("has gradients of every parameter's shape, per step too", () => {
    if (!trace.grads) return;
    const g = trace.grads;
    expect(Object.keys(g.params).sort()).toEqual(Object.keys(params).sort());
    for (const [name, value] of Object.entries(params)) {
      expect(shapeOf(g.params[name]), name).toEqual(shapeOf(value));
      if (g.per_step) expect(shapeOf(g.per_step[name]), name).toEqual([trace.T, ...shapeOf(value)]);
    }
    expect(g.dh.map(shapeOf)).toEqual(trace.layers.map((l) => [trace.T, l.size]));
    expect(g.jacobian_norms.length).toBe(trace.layers.length);
    expect(isNumber(g.norm)).toBe(true);
  });

  it("has as many step-through slides as Python counts", () => {
    const slides = buildSlides(trace, spec.mode);
    expect(slides.length).toBe(fx.slide_count);
    slides.forEach((_, n) => {
      const caption = slideCaption(slides, n, trace, { convention: state.convention, displayNames: state.display_names, spec });
      expect(caption).toMatch(new RegExp(`^\\[${n + 1}\\] `));
      expect(caption).not.toMatch(/undefined|NaN|null/);
    });
  });

  it.each(["row", "column"])("writes every step's formula with the trace's numbers (%s form)", (convention) => {
    for (let t = 0; t < trace.T; t++) {
      const f = stepFormula(trace, { t, convention, displayNames: state.display_names, params, spec });
      const keys = f.blocks.map((b) => b.key);
      trace.layers.forEach((layer, l) => {
        const block = f.blocks.find((b) => b.key === `h:${l}`);
        expect(block, `h:${l} at t=${t}`).toBeTruthy();
        // the block ends with h_t itself, as the page prints it
        expect(tokensText(block.rows.at(-1), formatNumber)).toBe(formatVector(layer.values.h[t]));
      });
      const scored = Array.isArray(trace.y) && trace.scored[t];
      expect(keys.includes("y"), `y at t=${t}`).toBe(Boolean(scored));
      if (scored) {
        const y = f.blocks.find((b) => b.key === "y");
        expect(tokensText(y.rows.at(-1), formatNumber)).toBe(formatVector(trace.y[t]));
      }
      for (const block of f.blocks) {
        expect(badTokens(block.rows), `${block.key} at t=${t}`).toEqual([]);
        for (const row of block.rows) expect(tokensText(row, formatNumber)).not.toMatch(/undefined|NaN/);
      }
    }
  });

  if (fx.trace_packed)
    it("decodes Python's packed trace to the same numbers", () => {
      const raw = withDataViews(fx.trace_packed);
      expect(JSON.stringify(raw)).toContain("$packed");
      expect(unpack(raw)).toEqual(trace);
    });
});
