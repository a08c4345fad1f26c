// The TextInspector's pure parts (js/inspector/values.js) and its page in jsdom with a fake model:
// values spliced from the kernel's messages, a unit's series and top steps, the vocabulary check,
// the colour table, and the page's text (never innerHTML) and cleanup.
import { describe, expect, it } from "vitest";
import { mountInspector } from "../inspector/inspector.js";
import {
  checkText,
  colorTable,
  emptyThumbs,
  emptyValues,
  floats,
  lineRange,
  lutIndex,
  mapPixels,
  rangeFor,
  showChar,
  snippet,
  splice,
  spliceThumbs,
  thumbPixels,
  topSteps,
  unitSeries,
} from "../inspector/values.js";

/** A message's buffers for Q quantities, steps start..T-1, H units: value = 100 q + 10 t + u. */
function block(Q, start, T, H) {
  const b = new Float32Array(Q * (T - start) * H);
  for (let q = 0; q < Q; q++)
    for (let t = start; t < T; t++) for (let u = 0; u < H; u++) b[(q * (T - start) + (t - start)) * H + u] = 100 * q + 10 * t + u;
  const p = new Float32Array(2 * (T - start));
  for (let t = start; t < T; t++) {
    p[2 * (t - start)] = t % 3;
    p[2 * (t - start) + 1] = 0.5;
  }
  return [b, p];
}

describe("splice", () => {
  it("keeps the steps before start and takes the rest from the message", () => {
    let v = emptyValues(2, 3);
    v = splice(v, { start: 0, T: 4, text: "abcd" }, ...block(2, 0, 4, 3));
    expect(v.T).toBe(4);
    expect(v.chars).toEqual(["a", "b", "c", "d"]);
    expect(Array.from(v.maps[1].subarray(9, 12))).toEqual([130, 131, 132]);
    // append one step: only step 4 travels
    const [b, p] = block(2, 4, 5, 3);
    b.fill(-1);
    const w = splice(v, { start: 4, T: 5, text: "abcde" }, b, p);
    expect(Array.from(w.maps[0].subarray(0, 12))).toEqual(Array.from(v.maps[0]));
    expect(Array.from(w.maps[0].subarray(12, 15))).toEqual([-1, -1, -1]);
    expect(w.maps[0].length).toBeGreaterThanOrEqual(15); // room to grow: the next step is written in place
    expect(w.pred[8]).toBe(4 % 3);
    // delete back to 2 characters: nothing travels
    const x = splice(w, { start: 2, T: 2, text: "ab" }, new Float32Array(0), new Float32Array(0));
    expect(x.T).toBe(2);
    expect(Array.from(x.maps[1].subarray(0, 6))).toEqual([100, 101, 102, 110, 111, 112]);
  });

  it("refuses a message that does not fit, and the old values stay", () => {
    const v = splice(emptyValues(1, 2), { start: 0, T: 2, text: "ab" }, ...block(1, 0, 2, 2));
    expect(() => splice(v, { start: 3, T: 4, text: "abcd" }, ...block(1, 3, 4, 2))).toThrow(/do not follow the 2 steps/);
    expect(() => splice(v, { start: 0, T: 2, text: "ab" }, new Float32Array(3), new Float32Array(4))).toThrow(/wrong size/);
    expect(() => splice(v, { start: 0, T: 2, text: "abc" }, ...block(1, 0, 2, 2))).toThrow(/wrong size/);
    expect(v.T).toBe(2);
  });

  it("counts characters as Python does (code points)", () => {
    const v = splice(emptyValues(1, 1), { start: 0, T: 2, text: "a\u{1F600}" }, ...block(1, 0, 2, 1));
    expect(v.chars).toEqual(["a", "\u{1F600}"]);
  });
});

describe("splice: only some quantities exact", () => {
  it("holds the quantities sent for the whole text and the others up to the change", () => {
    let v = emptyValues(2, 3, ["h", "c"]);
    v = splice(v, { start: 0, T: 4, text: "abcd" }, ...block(2, 0, 4, 3));
    expect(v.held).toEqual([4, 4]);
    // the first character changed: only c travels, h is now exact for no step
    const [b, p] = block(1, 0, 4, 3);
    v = splice(
      v,
      { start: 0, T: 4, text: "xbcd", quantities: ["c"] },
      b.map((x) => x + 1000),
      p,
    );
    expect(v.held).toEqual([0, 4]);
    expect(v.maps[1][3 * 3 + 2]).toBe(1032);
    // a typed character with h only: h still has the gap 0..4, c is exact up to 4 only
    v = splice(v, { start: 4, T: 5, text: "xbcde", quantities: ["h"] }, ...block(1, 4, 5, 3));
    expect(v.held).toEqual([0, 4]);
    // h fetched from 0 (a fetch answer changes no step of the text): exact again, c untouched
    v = splice(v, { start: 0, T: 5, text: "xbcde", quantities: ["h"], changed: 5 }, ...block(1, 0, 5, 3));
    expect(v.held).toEqual([5, 4]);
    expect(() => splice(v, { start: 0, T: 5, text: "xbcde", quantities: ["z"] }, ...block(1, 0, 5, 3))).toThrow(/unknown quantities/);
  });
});

describe("thumbnail previews", () => {
  it("replaces the columns from the message's start and keeps the others", () => {
    const codes = (Q, n, rows, base) => Uint8Array.from({ length: Q * n * rows }, (_, i) => base + i);
    let th = emptyThumbs(2);
    th = spliceThumbs(
      th,
      {
        T: 3,
        thumbs: {
          start: 0,
          rows: 2,
          ranges: [
            [-1, 1],
            [0, 1],
          ],
        },
      },
      codes(2, 3, 2, 0),
    );
    expect(th.T).toBe(3);
    expect([...th.codes[1].subarray(0, 6)]).toEqual([6, 7, 8, 9, 10, 11]);
    expect(th.ranges[1]).toEqual({ lo: 0, hi: 1 });
    th = spliceThumbs(
      th,
      {
        T: 4,
        thumbs: {
          start: 2,
          rows: 2,
          ranges: [
            [-1, 1],
            [0, 1],
          ],
        },
      },
      codes(2, 2, 2, 100),
    );
    expect([...th.codes[0].subarray(0, 8)]).toEqual([0, 1, 2, 3, 100, 101, 102, 103]);
    expect([...th.codes[1].subarray(0, 8)]).toEqual([6, 7, 8, 9, 104, 105, 106, 107]);
    expect(() =>
      spliceThumbs(
        th,
        {
          T: 9,
          thumbs: {
            start: 6,
            rows: 2,
            ranges: [
              [-1, 1],
              [0, 1],
            ],
          },
        },
        codes(2, 3, 2, 0),
      ),
    ).toThrow(/wrong size/);
    expect(() =>
      spliceThumbs(
        th,
        {
          T: 4,
          thumbs: {
            start: 0,
            rows: 2,
            ranges: [
              [-1, 1],
              [0, 1],
            ],
          },
        },
        codes(2, 3, 2, 0),
      ),
    ).toThrow(/wrong size/);
  });

  it("colours a code on the table: 0 the low end, 254 the high end, 255 (not a number) the middle", () => {
    const lut = colorTable({ pos: [200, 0, 0], neg: [0, 0, 200], bg: [255, 255, 255] }, 4);
    const px = thumbPixels(Uint8Array.from([0, 127, 254, 255]), 2, 2, lut, undefined, 4);
    // image: x = step, y = row; step 0 rows (0, 127), step 1 rows (254, 255)
    const at = (x, y) => [...px.subarray(4 * (y * 2 + x), 4 * (y * 2 + x) + 3)];
    expect(at(0, 0)).toEqual([...lut.subarray(0, 3)]);
    expect(at(0, 1)).toEqual([...lut.subarray(16, 19)]);
    expect(at(1, 0)).toEqual([...lut.subarray(32, 35)]);
    expect(at(1, 1)).toEqual([...lut.subarray(16, 19)]);
  });
});

describe("series and top steps", () => {
  const v = splice(emptyValues(2, 3), { start: 0, T: 4, text: "abcd" }, ...block(2, 0, 4, 3));
  it("reads one unit along the text", () => {
    expect(Array.from(unitSeries(v, 1, 2))).toEqual([102, 112, 122, 132]);
  });
  it("ranks steps largest first, ties to the earlier step", () => {
    expect(topSteps([0.1, 0.9, -2, 0.9, 0.5], 3)).toEqual([1, 3, 4]);
    expect(topSteps([1, 2], 8)).toEqual([1, 0]);
  });
  it("copies a buffer from a DataView at any offset", () => {
    const raw = new ArrayBuffer(12);
    new Float32Array(raw, 4, 2).set([1.5, -2]);
    expect(Array.from(floats(new DataView(raw, 4, 8)))).toEqual([1.5, -2]);
    expect(Array.from(floats(raw.slice(4)))).toEqual([1.5, -2]);
  });
});

describe("colours", () => {
  it("gates run from 0 to 1, tanh outputs -1 to 1, the cell state to its max abs", () => {
    expect(rangeFor("f", new Float32Array([0.2]))).toEqual({ lo: 0, hi: 1 });
    expect(rangeFor("h", new Float32Array([0.2, -0.9]))).toEqual({ lo: -1, hi: 1 });
    expect(rangeFor("c", new Float32Array([0.2, -2.3]))).toEqual({ lo: -2.5, hi: 2.5 });
    // one runaway value does not set the scale of a map: the 99th percentile of |v| does
    const c = new Float32Array(1000).map((_, i) => (i % 2 ? 1.2 : -0.8));
    c[7] = 48;
    expect(rangeFor("c", c)).toEqual({ lo: -1.5, hi: 1.5 });
    expect(lineRange("c", new Float32Array([0.5, 48]))).toEqual({ lo: -48, hi: 48 });
    expect(lineRange("o", new Float32Array([0.5]))).toEqual({ lo: 0, hi: 1 });
  });
  it("maps the middle of a range to the background and the ends to full colour", () => {
    const colors = { pos: [200, 0, 0], neg: [0, 0, 200], bg: [255, 255, 255] };
    const lut = colorTable(colors, 4);
    const at = (i) => Array.from(lut.subarray(4 * i, 4 * i + 3));
    const gate = { lo: 0, hi: 1 };
    expect(lutIndex(0.5, gate, 4)).toBe(4);
    expect(at(lutIndex(0.5, gate, 4))).toEqual([255, 255, 255]);
    expect(lutIndex(1, gate, 4)).toBe(8);
    expect(lutIndex(7, gate, 4)).toBe(8); // clamped
    expect(lutIndex(Number.NaN, gate, 4)).toBe(4);
    expect(at(8)[0]).toBeLessThan(255);
    expect(at(0)[2]).toBeGreaterThan(at(0)[0]);
  });
  it("lays a map out as units down, characters across", () => {
    const lut = colorTable({ pos: [200, 0, 0], neg: [0, 0, 200], bg: [255, 255, 255] }, 4);
    const m = new Float32Array([1, -1, 0, 0]); // step 0: unit 0 = 1, unit 1 = -1; step 1: zeros
    const px = mapPixels(m, 2, 2, { lo: -1, hi: 1 }, lut, undefined, 4);
    expect(Array.from(px.subarray(0, 3))).toEqual(Array.from(lut.subarray(32, 35))); // (x 0, y 0): +1
    expect(Array.from(px.subarray(8, 11))).toEqual(Array.from(lut.subarray(0, 3))); // (x 0, y 1): -1
    expect(Array.from(px.subarray(4, 7))).toEqual([255, 255, 255]); // (x 1, y 0): 0
  });
});

describe("text", () => {
  const vocab = new Set("abc ");
  it("names the unknown characters and where the first is", () => {
    expect(checkText("abc", vocab, 10)).toBeNull();
    expect(checkText("ab<b>x", vocab, 10)).toMatch(/"<", ">", "x" \(first at position 2\)/);
    expect(checkText("aaaaa", vocab, 4)).toMatch(/5 characters; the inspector takes up to 4/);
  });
  it("shows blanks and newlines visibly", () => {
    expect(showChar(" ")).toBe("\u2423");
    expect(snippet([..."ab\ncd"], 3, 2, 1)).toEqual({ left: "b\u21b5", mid: "c", right: "d" });
  });
});

/** A fake anywidget model: traits, custom messages both ways. */
function fakeModel(traits) {
  const handlers = new Map();
  const sent = [];
  return {
    sent,
    get: (k) => traits[k],
    set: (k, v) => {
      traits[k] = v;
    },
    save_changes: () => (handlers.get(`change:unit`) ?? []).forEach((f) => f()),
    on: (ev, f) => handlers.set(ev, [...(handlers.get(ev) ?? []), f]),
    off: (ev, f) =>
      handlers.set(
        ev,
        (handlers.get(ev) ?? []).filter((g) => g !== f),
      ),
    send: (msg) => sent.push(msg),
    emit: (ev, ...args) => (handlers.get(ev) ?? []).forEach((f) => f(...args)),
    count: () => [...handlers.values()].reduce((n, fs) => n + fs.length, 0),
  };
}

describe("the page (jsdom)", () => {
  const traits = () => ({
    hidden: 3,
    quantities: [
      ["h", "hidden state"],
      ["r", "reset gate"],
    ],
    vocab: [..."ab<>&"],
    cell: "gru",
    num_layers: 1,
    layer: 0,
    title: "Inside",
    text: "",
    unit: 1,
    quantity: "h",
    max_chars: 20,
  });

  it("shows the kernel's values as text, never as HTML, and sends only known text", () => {
    const model = fakeModel(traits());
    const el = document.createElement("div");
    const cleanup = mountInspector(model, el);
    expect(model.sent).toEqual([{ kind: "hello" }]);
    const text = "a<b>&";
    model.emit("msg:custom", { kind: "values", start: 0, T: 5, text, origin: "python", seq: null }, block(2, 0, 5, 3));
    const root = el.querySelector(".rnnw-insp");
    expect(root?.getAttribute("data-t")).toBe("5");
    expect(el.querySelector("b.rnnw-insp-ro-value")).not.toBeNull();
    expect(el.querySelectorAll(".rnnw-insp-textmap b").length).toBe(0); // "<b>" stayed text
    const spans = [...el.querySelectorAll(".rnnw-insp-char")];
    expect(spans.map((s) => s.textContent).join("")).toBe(text);
    expect(spans.map((s) => Number(s.getAttribute("data-value")))).toEqual([1, 11, 21, 31, 41]); // h, unit 1
    const readout = el.querySelector(".rnnw-insp-readout");
    expect(readout?.getAttribute("data-step")).toBe("4");
    expect(readout?.getAttribute("data-value")).toBe("41");
    const top = [...el.querySelectorAll(".rnnw-insp-top-item")].map((li) => li.getAttribute("data-step"));
    expect(top).toEqual(["4", "3", "2", "1", "0"]);

    // typing: an unknown character is refused in the page, nothing sent, nothing redrawn
    const box = /** @type {HTMLTextAreaElement} */ (el.querySelector("textarea"));
    expect(box.value).toBe(text);
    box.value = `${text}z`;
    box.dispatchEvent(new Event("input"));
    expect(model.sent.length).toBe(1);
    expect(root?.getAttribute("data-error")).toBe("true");
    expect(el.querySelector(".rnnw-insp-status")?.textContent).toMatch(/"z" \(first at position 5\)/);
    expect(root?.getAttribute("data-rev")).toBe("1");
    box.value = `${text}a`;
    box.dispatchEvent(new Event("input"));
    expect(model.sent[1]).toMatchObject({ kind: "text", text: `${text}a`, seq: 1 });
    const view = model.sent[1].view;
    // a second keystroke while the first is in flight waits, then only the newest text goes
    box.value = `${text}ab`;
    box.dispatchEvent(new Event("input"));
    box.value = `${text}aba`;
    box.dispatchEvent(new Event("input"));
    expect(model.sent.length).toBe(2);
    model.emit("msg:custom", { kind: "values", start: 5, T: 6, text: `${text}a`, origin: "page", seq: 1, view }, block(2, 5, 6, 3));
    expect(model.sent[2]).toEqual({ kind: "text", text: `${text}aba`, seq: 2, view });
    expect(box.value).toBe(`${text}aba`); // the page's own text is not overwritten by an older answer
    // the kernel's refusal is shown and the views stay
    model.emit("msg:custom", { kind: "error", message: "other view's", seq: 2, view: "another" });
    expect(el.querySelector(".rnnw-insp-status")?.textContent).not.toBe("other view's");
    model.emit("msg:custom", { kind: "error", message: "nope", seq: 2, view });
    expect(el.querySelector(".rnnw-insp-status")?.textContent).toBe("nope");
    expect(root?.getAttribute("data-t")).toBe("6");

    // another view of the same widget typed: its text shows here too
    model.emit(
      "msg:custom",
      { kind: "values", start: 6, T: 7, text: `${text}ab`, origin: "page", seq: 9, view: "another" },
      block(2, 6, 7, 3),
    );
    expect(box.value).toBe(`${text}ab`);
    expect(root?.getAttribute("data-t")).toBe("7");

    cleanup();
    expect(model.count()).toBe(0);
    expect(el.childNodes.length).toBe(0);
  });

  it("shows no number of a quantity it holds only coarsely, and fetches its exact values", () => {
    const model = fakeModel(traits());
    const el = document.createElement("div");
    const cleanup = mountInspector(model, el);
    const root = /** @type {HTMLElement} */ (el.querySelector(".rnnw-insp"));
    const thumbs = {
      start: 0,
      rows: 3,
      ranges: [
        [-1, 1],
        [0, 1],
      ],
    };
    const codes = new Uint8Array(2 * 5 * 3);
    model.emit("msg:custom", { kind: "values", start: 0, T: 5, text: "abab<", origin: "python", seq: null, quantities: ["h"], thumbs }, [
      ...block(1, 0, 5, 3),
      codes,
    ]);
    expect(root.getAttribute("data-exact")).toBe("true");
    expect(model.sent.length).toBe(1); // h is in view and exact: nothing to ask for
    model.set("quantity", "r");
    model.emit("change:quantity");
    expect(root.getAttribute("data-exact")).toBe("false");
    const readout = el.querySelector(".rnnw-insp-readout");
    expect(readout?.getAttribute("data-value")).toBe("");
    expect(readout?.textContent).toMatch(/Loading the exact values of r/);
    expect(el.querySelector(".rnnw-insp-heat-title")?.textContent).toMatch(/coarse preview/);
    expect(model.sent[1]).toMatchObject({ kind: "fetch", quantity: "r", from: 0 });
    model.emit("change:quantity"); // drawn again before the answer: not asked twice
    expect(model.sent.length).toBe(2);
    const [b, p] = block(2, 0, 5, 3);
    model.emit("msg:custom", { kind: "values", start: 0, T: 5, text: "abab<", origin: "fetch", seq: null, quantities: ["r"], changed: 5 }, [
      b.subarray(15),
      p,
    ]);
    expect(root.getAttribute("data-exact")).toBe("true");
    expect(readout?.getAttribute("data-value")).toBe("141"); // r, unit 1, step 4: 100 + 40 + 1
    cleanup();
  });
});
