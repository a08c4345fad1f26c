// Issue 8 layout review: a 10 x 1 input (the vanishing / exploding lessons) stays number cells, not
// a thin heat-map column; many-to-one targets say which step is scored, the others blank.
import { describe, it, expect, afterEach } from "vitest";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { fixtureState } from "./fixture.js";
import { isLargeMatrix, THIN_MAX_SIDE } from "../geometry/heat_layout.js";
import { scoredNote } from "../editing/sequence_editors.js";

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
  return el;
}

describe("the heat-map threshold for sequences (pure)", () => {
  it("a thin sequence stays cells up to THIN_MAX_SIDE steps; parameters keep the plain rule", () => {
    expect(isLargeMatrix(10, 1, { thin: THIN_MAX_SIDE })).toBe(false);
    expect(isLargeMatrix(1, 10, { thin: THIN_MAX_SIDE })).toBe(false);
    expect(isLargeMatrix(16, 2, { thin: THIN_MAX_SIDE })).toBe(false);
    expect(isLargeMatrix(17, 1, { thin: THIN_MAX_SIDE })).toBe(true);
    expect(isLargeMatrix(10, 3, { thin: THIN_MAX_SIDE })).toBe(true); // not thin: the plain rule
    expect(isLargeMatrix(10, 1)).toBe(true);
  });

  it("scoredNote names the scored steps, nothing when all are", () => {
    expect(scoredNote([false, false, false, true])).toBe("Only step 4 is scored: the other steps take no target (\u2014).");
    expect(scoredNote([false, false, true, true, true])).toBe("Only steps 3\u20135 are scored: the other steps take no target (\u2014).");
    expect(scoredNote([true, true])).toBe("");
    expect(scoredNote([])).toBe("");
  });
});

describe.each(["vanishing", "exploding"])("%s: 10 steps of one number", (name) => {
  it("the inputs and targets are number cells showing the values, the unscored targets blank", () => {
    const st = fixtureState(name);
    const el = setup(st);
    const xs = [...el.querySelectorAll("input.rnnw-cell[data-name='inputs']")];
    expect(xs).toHaveLength(10);
    expect(el.querySelector(".rnnw-heat canvas[data-ref='inputs']")).toBeNull();
    xs.forEach((x, t) => expect(Number(x.value)).toBeCloseTo(st.inputs[t][0], 3));
    const tg = [...el.querySelectorAll("input.rnnw-cell[data-name='targets']")];
    expect(tg).toHaveLength(10);
    expect(tg.slice(0, 9).every((c) => c.disabled && c.value === "")).toBe(true);
    expect(Number(tg[9].value)).toBeCloseTo(st.targets[9][0], 3);
    expect(el.querySelector(".rnnw-target-note").hidden).toBe(false);
    expect(el.querySelector(".rnnw-target-note").textContent).toBe("Only step 10 is scored: the other steps take no target (\u2014).");
  });
});

it("every step scored: no note under the targets", () => {
  const el = setup(fixtureState("rnn_targets"));
  expect(el.querySelector(".rnnw-target-note").hidden).toBe(true);
});
