// Issue 10: a sampling run drawn in the unrolled diagram, each step's chosen token fed back from
// y_t into x_{t+1} (fixtures text_hello_sampled / text_hello, written by Python's w.sample).
import { describe, it, expect, afterEach } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { fixtureState } from "./fixture.js";
import { diagramLayout, fedBackSteps, feedbackPaths } from "../geometry/diagram_layout.js";

const mounted = [];
afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  document.body.innerHTML = "";
});
function setup(state) {
  const model = new FakeModel(state, {});
  const el = document.createElement("div");
  document.body.appendChild(el);
  mounted.push(widget.render({ model, el }));
  return { model, el };
}
const tick = () => new Promise((r) => setTimeout(r, 0));
/** The one-hot row of a token, read independently of the widget's code. */
const hot = (vocab, row) => vocab[row.indexOf(1)];

describe("fedBackSteps (pure)", () => {
  it("step t chose tokens[t + 1], fed back while a next step exists", () => {
    const run = { start: 1, tokens: ["h", "h", "e", "l", "e", "h", "e"] };
    expect(fedBackSteps(run, 6)).toEqual([
      { t: 0, token: "h" },
      { t: 1, token: "e" },
      { t: 2, token: "l" },
      { t: 3, token: "e" },
      { t: 4, token: "h" },
    ]);
    // a two-token start: the first choice is made at step 2
    expect(fedBackSteps({ start: 2, tokens: ["h", "e", "l", "o"] }, 3)).toEqual([{ t: 1, token: "l" }]);
    expect(fedBackSteps({}, 6)).toEqual([]);
    expect(fedBackSteps(null, 6)).toEqual([]);
  });

  it("the arrow starts under y_t, runs down the gap and ends at x_{t+1}'s left edge", () => {
    const g = diagramLayout({ T: 3, inputSize: 4, layerSizes: [3], outputSize: 4 });
    const [p] = feedbackPaths(g, [{ t: 0, token: "e" }]);
    const y0 = g.nodes.find((n) => n.kind === "y" && n.t === 0);
    const x1 = g.nodes.find((n) => n.kind === "x" && n.t === 1);
    const nums = p.d.match(/-?[\d.]+/g).map(Number);
    expect(nums[1]).toBe(y0.y + y0.h); // from the bottom of y_1
    expect(nums.at(-1)).toBe(x1.x - 3); // into x_2 (the arrowhead's tip at its edge)
    const gx = y0.x + y0.w + (g.pitch - g.cellW) / 2;
    expect(p.label.x).toBe(gx); // the label sits in the gap, between the columns
    expect(gx).toBeGreaterThan(y0.x + y0.w);
    expect(gx).toBeLessThan(x1.x);
  });
});

describe("the diagram of a sampling run", () => {
  it("draws an arrow per fed-back token, labelled with the token that is the next input", async () => {
    const st = fixtureState("text_hello_sampled");
    const { el } = setup(st);
    await tick();
    const feeds = [...el.querySelectorAll(".rnnw-diagram .rnnw-feed")];
    expect(feeds).toHaveLength(st.trace.T - 1);
    feeds.forEach((f) => {
      const t = Number(f.getAttribute("data-step"));
      const token = f.querySelector(".rnnw-feed-token").textContent;
      // the label is the token Python fed in at step t + 1 (its one-hot input row)
      expect(token).toBe(hot(st.vocab, st.trace.x[t + 1]));
      expect(f.getAttribute("aria-label")).toBe(`step ${t + 1} chose \u201c${token}\u201d, fed back as the input of step ${t + 2}`);
      // the arrow ends at x_{t+1}'s box
      const x = el.querySelector(`.rnnw-diagram [data-ref='x:${t + 1}'] rect`);
      const end = f
        .querySelector("path")
        .getAttribute("d")
        .match(/-?[\d.]+/g)
        .map(Number)
        .at(-1);
      expect(end).toBe(Number(x.getAttribute("x")) - 3);
    });
    expect(feeds.map((f) => f.querySelector(".rnnw-feed-token").textContent)).toEqual(st.sampled.tokens.slice(1, st.trace.T));
  });

  it("no run, no arrows; in the step-through an arrow shows once y_t is reached", async () => {
    expect(setup(fixtureState("text_hello")).el.querySelectorAll(".rnnw-feed")).toHaveLength(0);
    const { el, model } = setup(fixtureState("text_hello_sampled"));
    model.publish("reveal", 0);
    await tick();
    expect(el.querySelectorAll(".rnnw-feed")).toHaveLength(0);
    model.publish("reveal", -1);
    await tick();
    expect(el.querySelectorAll(".rnnw-feed")).toHaveLength(5);
  });
});

describe("the compact (canvas) diagram of a sampling run", () => {
  it("draws the feedback arrows on its overlay, the token in the tooltip", async () => {
    const st = fixtureState("text_long");
    // a run whose tokens are the inputs Python holds (as w.sample leaves them): x_t = tokens[t]
    const tokens = st.trace.x.map((row) => hot(st.vocab, row));
    const { el } = setup({ ...st, sampled: { start: 1, tokens, temperature: null, seed: null } });
    await tick();
    expect(el.querySelector(".rnnw-cdiagram")).not.toBeNull();
    const feeds = [...el.querySelectorAll(".rnnw-cdiagram .rnnw-feed")];
    expect(feeds).toHaveLength(st.trace.T - 1);
    expect(el.querySelectorAll(".rnnw-cdiagram .rnnw-feed-pill")).toHaveLength(0);
    expect(feeds[2].querySelector("title").textContent).toBe(`step 3 chose \u201c${tokens[3]}\u201d, fed back as the input of step 4`);
  });
});
