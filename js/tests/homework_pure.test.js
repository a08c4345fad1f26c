// The homework trait's pure logic (js/data/homework.js, packed NaN) and the edit channel's answer
// message (issue 7, docs/protocol.md "Exercises"). Helpers: homework_helpers.js.
import { describe, it, expect } from "vitest";
import { FakeModel } from "../dev/fake_model.js";
import { fixtureState } from "./fixture.js";
import { unpack } from "../data/packed.js";
import { createEditChannel } from "../editing/edit_channel.js";
import { blankGroups, isExercise, progressText, slotAt, slotsOf, statusText } from "../data/homework.js";
import { H, homework0 } from "./homework_helpers.js";

describe("the homework trait, pure", () => {
  it("finds the slot at an entry of the trace, groups blanks, writes the progress line", () => {
    const hw = homework0();
    expect(isExercise(hw)).toBe(true);
    expect(isExercise(undefined)).toBe(false);
    expect(isExercise({ blanks: [] })).toBe(false);
    expect(slotAt(hw, H, [1, 1])?.name).toBe("h2[2]");
    expect(slotAt(hw, ["y"], [1, 0])?.name).toBe("y2");
    expect(slotAt(hw, H, [0, 0])).toBeNull();
    expect(slotsOf(hw, { path: H, row: 2 }, 2)?.map((s) => s?.name)).toEqual(["h3[1]", "h3[2]"]);
    expect(slotsOf(hw, { path: H, row: 0 }, 2)).toBeNull();
    expect(blankGroups(hw).map((g) => [g.blank, g.slots.length, g.status])).toEqual([
      ["h2", 2, "open"],
      ["y2", 1, "open"],
      ["h3", 2, "open"],
    ]);
    expect(progressText(hw)).toBe("0 of 3 right \u00b7 score 0/3");
    hw.blanks[0].status = "right";
    hw.blanks[1].status = "right";
    hw.blanks[2].status = "wrong";
    hw.blanks[2].attempts_left = 2;
    hw.blanks[3].status = "right";
    hw.score = 1.5;
    expect(blankGroups(hw).map((g) => g.status)).toEqual(["right", "wrong", "open"]);
    expect(progressText(hw)).toBe("1 of 3 right \u00b7 score 1.5/3");
    expect(statusText(hw, hw.blanks[2])).toBe("wrong: 2 attempts left");
    hw.blanks[2].attempts_left = 0;
    expect(statusText(hw, hw.blanks[2])).toBe("wrong: no attempts left");
  });

  it("a NaN in a packed array (a number an exercise keeps from the page) decodes to null", () => {
    const data = new DataView(new ArrayBuffer(3 * 8));
    [1, Number.NaN, -2].forEach((v, i) => data.setFloat64(i * 8, v, true));
    expect(unpack({ a: { $packed: [3], data } })).toEqual({ a: [1, null, -2] });
  });
});

describe("the edit channel carries answers", () => {
  it("answer() sends {type: answer} with the channel's ids; its ack goes to onAnswer; refused when not connected", () => {
    const model = new FakeModel(fixtureState("tom_yeh"), { answer: false });
    const acks = [];
    const ch = createEditChannel(model, { onAnswer: (blank, ack) => acks.push([blank, ack?.ok ?? null]) });
    ch.start();
    expect(ch.answer("h2[1]", 1)).toBe(true);
    const [ping, ans] = model.sent;
    expect(ans).toMatchObject({ type: "answer", blank: "h2[1]", value: 1 });
    expect(ans.id).not.toBe(ping.id);
    model.receive({ type: "ack", id: ans.id, ok: true, blank: "h2[1]", status: "right", hint: "", attempts_left: 2 });
    expect(acks).toEqual([["h2[1]", true]]);
    // an answer whose ack is overtaken by a later one will never get it: reported as lost
    ch.answer("y2", 16);
    ch.answer("y2", 17);
    const [a1, a2] = model.sent.slice(-2);
    model.receive({ type: "ack", id: a2.id, ok: false, blank: "y2", error: "y2 is already right" });
    expect(acks.slice(1)).toEqual([
      ["y2", null],
      ["y2", false],
    ]);
    expect(a1.id).not.toBe(a2.id);
    ch.dispose();
    const dead = new FakeModel(fixtureState("tom_yeh"));
    dead.send = () => {
      throw new Error("closed");
    };
    const ch2 = createEditChannel(dead);
    ch2.start();
    expect(ch2.answer("y2", 1)).toBe(false);
    ch2.dispose();
  });
});
