// Text mode (issue 10): the pure token logic, the one-hot formula blocks, and the token strip
// rendered from states Python wrote (fixtures text_hello, text_hello_sampled, text_words).
import { describe, it, expect, afterEach } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import {
  oneHotToken,
  topTokens,
  tokenSteps,
  stripLayout,
  showToken,
  sampleCaption,
  STRIP,
  labelWidth,
  shortToken,
  LABEL_CHARS,
  stripWindow,
  STRIP_WINDOW,
  sampleRequest,
  MAX_SAMPLE,
} from "../data/tokens.js";
import { oneHotBlocks, stepFormula, tokensText } from "../data/step_formula.js";
import { formatNumber } from "../data/format.js";
import { fixtureState, fixtureTrace } from "./fixture.js";

const mounted = [];
afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  document.body.innerHTML = "";
});

function setup(state) {
  const model = new FakeModel(state);
  const el = document.createElement("div");
  document.body.appendChild(el);
  mounted.push(widget.render({ model, el }));
  return { model, el };
}

describe("tokens (pure)", () => {
  it("reads a one-hot row as its token, anything else as none", () => {
    const vocab = ["h", "e", "l", "o"];
    expect(oneHotToken([0, 0, 1, 0], vocab)).toBe("l");
    expect(oneHotToken([0, 0.5, 0.5, 0], vocab)).toBe("");
    expect(oneHotToken([1, 0, 1, 0], vocab)).toBe("");
    expect(oneHotToken([0, 0, 0, 0], vocab)).toBe("");
    expect(oneHotToken([1, 0], vocab)).toBe("");
  });

  it("sorts the probabilities, largest first, ties by index, and skips blanks", () => {
    const vocab = ["a", "b", "c", "d"];
    expect(topTokens([0.1, 0.4, 0.1, 0.4], vocab, 3).map((e) => e.token)).toEqual(["b", "d", "a"]);
    expect(topTokens([0.1, null, 0.1, 0.4], vocab, 3)).toEqual([]);
  });

  it("each step of the hello fixture: input, top tokens from trace.p, target", () => {
    const st = fixtureState("text_hello");
    const steps = tokenSteps(st.trace, { vocab: st.vocab, k: 3 });
    expect(steps.map((s) => s.input)).toEqual(st.labels);
    expect(steps.map((s) => s.next)).toEqual(["e", "l", "l", "o"]);
    steps.forEach((s, t) => {
      const p = st.trace.p[t];
      expect(s.top.map((e) => e.p)).toEqual([...p].sort((a, b) => b - a).slice(0, 3));
      expect(s.pNext).toBe(p[st.vocab.indexOf(s.next)]);
      expect(s.chosen || s.fedBack).toBe(false);
    });
  });

  it("a sampling run: the chosen token of step t is the input of step t + 1", () => {
    const st = fixtureState("text_hello_sampled");
    const steps = tokenSteps(st.trace, { vocab: st.vocab, sampled: st.sampled });
    const tokens = st.sampled.tokens;
    expect(steps.map((s) => s.next)).toEqual(tokens.slice(1));
    expect(steps.every((s) => s.chosen)).toBe(true);
    for (let t = 1; t < steps.length; t++) expect(steps[t].input).toBe(steps[t - 1].next);
    expect(steps.map((s) => s.fedBack)).toEqual(steps.map((_, t) => t > 0));
    expect(sampleCaption(st.sampled)).toContain("temperature 1, seed 3");
  });

  it("hides the probabilities of steps not yet revealed", () => {
    const st = fixtureState("text_hello");
    const steps = tokenSteps(st.trace, { vocab: st.vocab, shown: (t) => t < 2 });
    expect(steps.map((s) => s.hidden)).toEqual([false, false, true, true]);
    expect(steps[3].top).toEqual([]);
    expect(steps[3].pNext).toBe(null);
  });

  it("lays the strip out: input below, next token above, arrows down the gaps", () => {
    const L = stripLayout(4, 3);
    expect(L.rows.input).toBeGreaterThan(L.rows.bars + 3 * STRIP.bar - 1);
    expect(L.colX(1) - L.colX(0)).toBe(STRIP.col + STRIP.gap);
    const a = L.arrow(0);
    expect(a.d.startsWith(`M ${L.colX(0) + STRIP.col} `)).toBe(true);
    expect(a.d).toContain(`V ${L.rows.input + STRIP.box / 2}`);
    expect(showToken("a b\n")).toBe("a\u2423b\u21b5");
  });

  it("a long text shows the page of steps that holds the focused one", () => {
    const n = STRIP_WINDOW;
    expect(stripWindow(10, 3)).toEqual({ start: 0, end: 10 });
    expect(stripWindow(500, 0)).toEqual({ start: 0, end: n });
    expect(stripWindow(500, n - 1)).toEqual({ start: 0, end: n });
    expect(stripWindow(500, n)).toEqual({ start: n, end: 2 * n });
    expect(stripWindow(500, 499)).toEqual({ start: Math.floor(499 / n) * n, end: 500 });
  });

  it("builds the page's sample request: greedy at temperature 0, refusals before sending", () => {
    const v = ["h", "e", "l", "o"];
    expect(sampleRequest({ start: "h", length: "4", temperature: "0", seed: "" }, v)).toEqual({
      msg: { type: "sample", start: "h", length: 4, temperature: null, seed: null },
    });
    expect(sampleRequest({ start: "e", length: "10", temperature: "1.5", seed: "7" }, v)).toEqual({
      msg: { type: "sample", start: "e", length: 10, temperature: 1.5, seed: 7 },
    });
    expect(sampleRequest({ start: "x", length: "4", temperature: "0", seed: "0" }, v)).toHaveProperty("error");
    expect(sampleRequest({ start: "h", length: "0", temperature: "0", seed: "0" }, v)).toHaveProperty("error");
    expect(sampleRequest({ start: "h", length: String(MAX_SAMPLE + 1), temperature: "0", seed: "0" }, v)).toHaveProperty("error");
    expect(sampleRequest({ start: "h", length: "4", temperature: "-1", seed: "0" }, v)).toHaveProperty("error");
    expect(sampleRequest({ start: "h", length: "4", temperature: "1", seed: "abc" }, v)).toHaveProperty("error");
  });

  it("widens the columns for word tokens and cuts long ones", () => {
    expect(labelWidth(["h", "e"])).toBe(18);
    expect(labelWidth(["the", "cat"])).toBe(34);
    expect(labelWidth(["extraordinarily"])).toBe(labelWidth(["x".repeat(LABEL_CHARS)]));
    expect(stripLayout(3, 3, labelWidth(["the"])).col).toBe(STRIP.col + 16);
    expect(shortToken("extraordinarily")).toBe("extraordi\u2026");
    expect(shortToken("cat", 2)).toBe("c\u2026");
  });
});

describe("one-hot formula blocks", () => {
  it("x_t is the one-hot of its token, and x_t W_xh the row it selects (row view)", () => {
    const st = fixtureState("text_hello");
    const blocks = oneHotBlocks(st.trace, { t: 1, vocab: st.vocab, params: st.params });
    const text = blocks.map((b) => `${tokensText(b.lhs, formatNumber)} = ${b.rows.map((r) => tokensText(r, formatNumber)).join(" = ")}`);
    expect(text[0]).toBe("x2 = one-hot(\u201ce\u201d) = [0, 1, 0, 0]");
    expect(text[1]).toBe(`x2 W_xh = row 2 of W_xh = [${st.params.W_xh[1].map((v) => formatNumber(v)).join(", ")}]`);
  });

  it("in the column view it is a column of the transposed matrix", () => {
    const st = fixtureState("text_hello");
    const [, b] = oneHotBlocks(st.trace, { t: 2, vocab: st.vocab, params: st.params, convention: "column" });
    expect(tokensText(b.rows[0], formatNumber)).toBe("column 3 of W_xh\u1d40");
    expect(b.rows[1][0].values).toEqual(st.params.W_xh[2]);
  });

  it("stepFormula puts them first in text mode only, and not for a row that is not one-hot", () => {
    const st = fixtureState("text_hello");
    expect(stepFormula(st.trace, { t: 0, params: st.params, vocab: st.vocab }).blocks[0].key).toBe("onehot");
    expect(stepFormula(st.trace, { t: 0, params: st.params }).blocks.some((b) => b.key === "onehot")).toBe(false);
    const trace = fixtureTrace("text_hello");
    trace.x[0] = [0.5, 0.5, 0, 0];
    expect(oneHotBlocks(trace, { t: 0, vocab: st.vocab, params: st.params })).toEqual([]);
  });
});

describe("the token strip in the page", () => {
  it("is absent without a vocabulary", () => {
    const { el } = setup(fixtureState("tom_yeh"));
    expect(el.querySelector(".rnnw-tokens").hidden).toBe(true);
  });

  it("shows each step's top tokens with Python's probabilities", () => {
    const st = fixtureState("text_hello");
    const { el } = setup(st);
    const bars = [...el.querySelectorAll(".rnnw-tok-bar")];
    expect(bars).toHaveLength(12);
    for (const b of bars) {
      const t = Number(b.getAttribute("data-step"));
      const i = st.vocab.indexOf(b.getAttribute("data-token"));
      expect(Number(b.getAttribute("data-p"))).toBe(st.trace.p[t][i]);
      expect(b.querySelector(".rnnw-tok-p").textContent).toBe(st.trace.p[t][i].toFixed(2));
    }
    expect([...el.querySelectorAll(".rnnw-tok-next")].map((g) => g.getAttribute("data-token"))).toEqual(["e", "l", "l", "o"]);
    expect(el.querySelectorAll(".rnnw-tok-feed")).toHaveLength(0);
    const labels = [...el.querySelectorAll("text.rnnw-label")].map((t) => t.firstChild.textContent);
    expect(labels).toEqual(["h", "e", "l", "l"]);
    expect(el.querySelector(".rnnw-formula").textContent).toContain("one-hot(\u201ch\u201d)");
  });

  it("draws a sampling run's feedback arrows and sends a clicked step as focus_step", () => {
    const { el, model } = setup(fixtureState("text_hello_sampled"));
    expect(el.querySelectorAll(".rnnw-tok-feed")).toHaveLength(5);
    expect(el.querySelectorAll(".rnnw-tok-input.rnnw-tok-fed")).toHaveLength(5);
    el.querySelector('[data-tok-step="2"] .rnnw-tok-input rect').dispatchEvent(new MouseEvent("click", { bubbles: true }));
    expect(model.get("focus_step")).toBe(2);
  });

  it("shows a long text a page of steps at a time, the page of the focused step", async () => {
    const st = fixtureState("text_long");
    const { el, model } = setup(st);
    const T = st.trace.T;
    expect(T).toBeGreaterThan(2 * STRIP_WINDOW);
    const shown = () => [...el.querySelectorAll("[data-tok-step]")].map((g) => Number(g.getAttribute("data-tok-step")));
    expect(shown()).toEqual([...Array(STRIP_WINDOW).keys()]);
    expect(el.querySelector(".rnnw-tok-caption").textContent).toMatch(new RegExp(`^Steps 1\u2013${STRIP_WINDOW} of ${T}\\.`));
    model.publish("focus_step", T - 1);
    await new Promise((r) => setTimeout(r, 0));
    const last = Math.floor((T - 1) / STRIP_WINDOW) * STRIP_WINDOW;
    expect(shown()[0]).toBe(last);
    expect(shown().at(-1)).toBe(T - 1);
  });

  it("the Sample button sends what was typed, or says what is wrong and sends nothing", () => {
    const { el, model } = setup(fixtureState("text_hello"));
    const control = (k) => el.querySelector(`[data-control="${k}"]`);
    expect([...control("sample-start").options].map((o) => o.value)).toEqual(["h", "e", "l", "o"]);
    const typeIn = (k, v) => {
      control(k).value = v;
    };
    typeIn("sample-length", "6");
    typeIn("sample-temperature", "0.8");
    typeIn("sample-seed", "3");
    el.querySelector('[data-action="sample"]').click();
    expect(model.sent.filter((m) => m.type === "sample")).toEqual([{ type: "sample", start: "h", length: 6, temperature: 0.8, seed: 3 }]);
    typeIn("sample-seed", "1.5");
    el.querySelector('[data-action="sample"]').click();
    expect(model.sent.filter((m) => m.type === "sample")).toHaveLength(1);
    expect(el.querySelector(".rnnw-tok-msg").textContent).toContain("seed");
  });

  it("writes user tokens as text, never as markup", () => {
    const st = fixtureState("text_words");
    const evil = "<img/src=x/onerror=alert(1)>";
    st.vocab = [evil, ...st.vocab.slice(1)];
    st.labels = [evil, ...st.labels.slice(1)];
    const { el } = setup(st);
    expect(el.querySelector("img")).toBe(null);
    expect(el.querySelector(".rnnw-tokens").textContent).toContain(evil);
  });
});
