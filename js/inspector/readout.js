// The TextInspector's text-side panels for the followed unit: the readout (its value at the hovered
// or last step, and the model's next character), the text coloured by it (one span per character,
// redrawn from the first out-of-date step) and the steps where it fires most.
import { formatNumber } from "../data/format.js";
import { h } from "../view/dom.js";
import { lutIndex, showChar, snippet, topSteps } from "./values.js";

const TOP = 8;

/**
 * @param {HTMLElement} readout
 * @param {{values: import('./values.js').Values, series: ArrayLike<number>, name: string, unit: number, step: number | null, vocab: Set<string>}} s
 */
export function drawReadout(readout, { values, series, name, unit: u, step, vocab }) {
  const t = step !== null && step < values.T ? step : values.T - 1;
  readout.dataset.quantity = name;
  readout.dataset.unit = String(u);
  if (t < 0) {
    readout.dataset.step = "";
    readout.dataset.value = "";
    readout.textContent = "Type some text above.";
    return;
  }
  const v = series[t];
  readout.dataset.step = String(t);
  readout.dataset.value = String(v);
  const next = values.pred[2 * t];
  const parts = [
    h("span", { class: "rnnw-insp-ro-key", text: `${name}[${u}] at step ${t} ` }),
    h("span", { class: "rnnw-insp-ro-char", text: showChar(values.chars[t]) }),
    h("span", { class: "rnnw-insp-ro-eq", text: " = " }),
    h("b", { class: "rnnw-insp-ro-value", text: formatNumber(v) }),
  ];
  if (next >= 0) {
    const nc = [...vocab][next];
    parts.push(
      h("span", { class: "rnnw-insp-ro-next", text: " \u00b7 the model's next character: " }),
      h("span", { class: "rnnw-insp-ro-char", text: showChar(nc) }),
      h("span", { class: "rnnw-insp-ro-next", text: ` (p = ${formatNumber(values.pred[2 * t + 1], { digits: 2 })})` }),
    );
  }
  readout.replaceChildren(...parts);
}

/**
 * The text coloured by the followed unit, kept between draws: only the spans from the first
 * out-of-date step on are rebuilt while the quantity, unit, range and colours stay the same.
 * @param {HTMLElement} textmap
 */
export function createTextmap(textmap) {
  /** @type {HTMLElement[]} the text's characters on the page, one span each */
  const spans = [];
  let textKey = "";
  let textFrom = 0; // the first step whose span is out of date
  /** @type {HTMLElement | null} */
  let hoveredSpan = null;

  /**
   * @param {{values: import('./values.js').Values, series: ArrayLike<number>, range: {lo: number, hi: number}, key: string, lut: Uint8ClampedArray, step: number | null}} s
   *   key: what the colours depend on besides the range (quantity, unit, colour table)
   */
  function draw({ values, series, range, key: k, lut, step }) {
    const key = `${k}|${range.lo}|${range.hi}`;
    const from = key === textKey ? Math.min(textFrom, spans.length) : 0;
    for (let t = spans.length - 1; t >= from; t--) {
      const next = spans[t].nextSibling;
      if (next && next.nodeName === "BR") next.remove();
      spans[t].remove();
    }
    spans.length = from;
    const frag = document.createDocumentFragment();
    for (let t = from; t < values.T; t++) {
      const ch = values.chars[t];
      const j = 4 * lutIndex(series[t], range);
      const span = h("span", {
        class: "rnnw-insp-char",
        "data-step": String(t),
        "data-value": String(series[t]),
        text: ch === "\n" ? "\u21b5" : ch,
        style: { "background-color": `rgb(${lut[j]},${lut[j + 1]},${lut[j + 2]})` },
      });
      spans.push(span);
      frag.appendChild(span);
      if (ch === "\n") frag.appendChild(h("br"));
    }
    textmap.appendChild(frag);
    textKey = key;
    textFrom = values.T;
    const hov = step !== null ? (spans[step] ?? null) : null;
    if (hov !== hoveredSpan) {
      hoveredSpan?.classList.remove("rnnw-insp-char-hover");
      hov?.classList.add("rnnw-insp-char-hover");
      hoveredSpan = hov;
    }
  }

  return {
    draw,
    /** @param {number} start the first step the kernel changed */
    changedFrom(start) {
      textFrom = Math.min(textFrom, start);
    },
  };
}

/**
 * @param {HTMLElement} topTitle
 * @param {HTMLElement} topList
 * @param {{values: import('./values.js').Values, series: ArrayLike<number>, name: string, unit: number}} s
 */
export function drawTop(topTitle, topList, { values, series, name, unit: u }) {
  topTitle.textContent = `Where unit ${u} of ${name} fires most`;
  const items = topSteps(series, TOP).map((t) => {
    const s = snippet(values.chars, t);
    return h("li", { class: "rnnw-insp-top-item", "data-step": String(t), "data-value": String(series[t]) }, [
      h("span", { class: "rnnw-insp-top-step", text: `step ${t}` }),
      h("span", { class: "rnnw-insp-top-snip" }, [s.left, h("mark", { text: s.mid }), s.right]),
      h("span", { class: "rnnw-insp-top-value", text: formatNumber(series[t], { digits: 3 }) }),
    ]);
  });
  topList.replaceChildren(...items);
}
