// The TextInspector's front end (its own anywidget entry): a text box, every quantity of the
// layer as a thumbnail heat map, the chosen one large (units down, characters across), the
// followed unit along the text (a line and the text coloured by it) and the steps where it fires
// most. The kernel sends float32 buffers for the steps that changed (see rnn_widget/inspect).
import { formatNumber } from "../data/format.js";
import { themeColors } from "../view/canvas.js";
import { clear, h } from "../view/dom.js";
import { drawHeat, drawLine, drawThumb, mapImage, thumbImage } from "./draw.js";
import {
  bytes,
  checkText,
  colorTable,
  emptyThumbs,
  emptyValues,
  floats,
  lutIndex,
  lineRange,
  rangeFor,
  showChar,
  snippet,
  splice,
  spliceThumbs,
  topSteps,
  unitSeries,
} from "./values.js";

const TOP = 8;

/**
 * @param {any} model the anywidget model
 * @param {HTMLElement} el
 * @returns {() => void} cleanup
 */
export function mountInspector(model, el) {
  const hidden = model.get("hidden");
  /** @type {[string, string][]} */
  const quantities = model.get("quantities");
  const vocab = new Set(model.get("vocab"));
  /** @type {import('./values.js').Values} */
  let values = emptyValues(
    quantities.length,
    hidden,
    quantities.map(([q]) => q),
  );
  /** @type {import('./values.js').Thumbs} the thumbnails' coarse previews */
  let thumbs = emptyThumbs(quantities.length);
  let rev = 0;
  /** @type {number | null} */
  let hoverUnit = null;
  /** @type {number | null} */
  let hoverStep = null;
  let seq = 0;
  const viewId = Math.random().toString(36).slice(2); // tells this view's answers from another view's
  /** @type {number | null} */
  let inFlight = null;
  let inFlightAt = 0;
  /** @type {string | null} */
  let pending = null;
  /** @type {any[]} the maps' offscreen images (draw.js mapImage), drawn when shown */
  const images = quantities.map(() => null);
  const imageFrom = quantities.map(() => 0); // per map: the first column whose image is out of date
  /** @type {any[]} the thumbnails' offscreen images (draw.js thumbImage) */
  const thumbImages = quantities.map(() => null);
  let thumbFrom = 0;
  let received = 0; // values messages taken
  let fetched = ""; // the last exact values asked for (quantity, from, message count)
  let lutKey = "";
  let lut = new Uint8ClampedArray(0);

  const qIndex = () =>
    Math.max(
      0,
      quantities.findIndex(([q]) => q === model.get("quantity")),
    );
  const unit = () => hoverUnit ?? model.get("unit");

  // ---- the page ----
  const textarea = h("textarea", {
    class: "rnnw-insp-text",
    rows: 2,
    spellcheck: "false",
    autocomplete: "off",
    "aria-label": "Text to run through the model",
  });
  const status = h("div", { class: "rnnw-insp-status", role: "status" });
  const thumbButtons = quantities.map(([q, label]) =>
    h("button", { class: "rnnw-insp-thumb", type: "button", "data-quantity": q, title: `${q}: ${label}` }, [
      h("canvas", { class: "rnnw-insp-thumb-canvas" }),
      h("span", { class: "rnnw-insp-thumb-label" }, [h("b", { text: q }), ` ${label}`]),
    ]),
  );
  const heat = h("canvas", { class: "rnnw-insp-heat", tabindex: "0", "aria-label": "Heat map: units down, characters across" });
  const heatTitle = h("div", { class: "rnnw-insp-heat-title" });
  const unitAxis = h("div", { class: "rnnw-insp-unit-axis" });
  const readout = h("div", { class: "rnnw-insp-readout", "aria-live": "polite" });
  const line = h("canvas", { class: "rnnw-insp-line" });
  const lineAxis = h("div", { class: "rnnw-insp-unit-axis rnnw-insp-line-axis" });
  const lineTitle = h("div", { class: "rnnw-insp-line-title" });
  const textmap = h("div", { class: "rnnw-insp-textmap" });
  const topTitle = h("div", { class: "rnnw-insp-top-title" });
  const topList = h("ol", { class: "rnnw-insp-top" });
  const meta = `${model.get("cell").toUpperCase()} \u00b7 hidden ${hidden} \u00b7 ${vocab.size} characters${
    model.get("num_layers") > 1 ? ` \u00b7 layer ${model.get("layer") + 1} of ${model.get("num_layers")}` : ""
  }`;
  const root = h("div", { class: "rnnw rnnw-insp", "data-rev": "0", "data-t": "0" }, [
    h("div", { class: "rnnw-head" }, [
      h("h3", { class: "rnnw-title", text: model.get("title") }),
      h("span", { class: "rnnw-insp-meta", text: meta }),
    ]),
    h("div", { class: "rnnw-insp-input" }, [textarea, status]),
    h("div", { class: "rnnw-insp-thumbs", role: "group", "aria-label": "Quantities" }, thumbButtons),
    h("div", { class: "rnnw-insp-panel" }, [
      heatTitle,
      h("div", { class: "rnnw-insp-heat-row" }, [unitAxis, h("div", { class: "rnnw-insp-scroll" }, [heat])]),
      readout,
      lineTitle,
      h("div", { class: "rnnw-insp-heat-row" }, [lineAxis, h("div", { class: "rnnw-insp-scroll" }, [line])]),
    ]),
    h("div", { class: "rnnw-insp-lower" }, [
      h("div", { class: "rnnw-insp-textbox" }, [h("div", { class: "rnnw-insp-sub", text: "The text, coloured by the unit" }), textmap]),
      h("div", { class: "rnnw-insp-topbox" }, [topTitle, topList]),
    ]),
  ]);
  el.appendChild(root);

  // ---- geometry ----
  const geometry = () => {
    const width = Math.max(320, Math.min(1100, (root.clientWidth || 960) - 112)); // padding, the unit axis
    const T = values.T;
    const cw = T ? Math.min(24, width / T) : 1;
    const rh = Math.max(1, Math.min(8, Math.floor(256 / hidden)));
    return { cw, rh, labels: cw >= 9 };
  };

  // ---- drawing ----
  const colors = () => {
    const c = themeColors(root);
    const key = `${c.pos}|${c.neg}|${c.bg}`;
    if (key !== lutKey) {
      lut = colorTable(/** @type {any} */ (c));
      lutKey = key;
    }
    return c;
  };

  const shown = (i) => values.maps[i].subarray(0, values.T * hidden);

  const exact = (q) => values.held[q] >= values.T;

  /** The shown map's image (when its exact values are here) and the previews' images. */
  function drawMaps() {
    colors();
    const q = qIndex();
    if (exact(q)) {
      images[q] = mapImage(values, q, rangeFor(quantities[q][0], shown(q)), lut, images[q], imageFrom[q]);
      imageFrom[q] = values.T;
    }
    if (thumbs.T === values.T) {
      quantities.forEach((_, i) => {
        thumbImages[i] = thumbImage(thumbs, i, lut, thumbImages[i], thumbFrom);
      });
      thumbFrom = thumbs.T;
    }
  }

  const groups = () => Math.round(hidden / thumbs.rows);

  function drawThumbs() {
    const c = colors();
    const q = qIndex();
    const how =
      groups() > 1
        ? `a coarse preview: units averaged in ${thumbs.rows} groups of ${Number.isInteger(hidden / thumbs.rows) ? "" : "about "}${groups()}`
        : "a preview: colours rounded to 255 levels";
    thumbButtons.forEach((b, i) => {
      b.setAttribute("aria-pressed", String(i === q));
      b.title = `${quantities[i][0]}: ${quantities[i][1]} (${how}; click for the exact values)`;
      const ready = thumbs.T === values.T;
      drawThumb(/** @type {HTMLCanvasElement} */ (b.firstChild), ready ? thumbImages[i]?.canvas : null, thumbs.T, thumbs.rows, 116, 48, c);
    });
  }

  /** Ask the kernel for the exact values of quantity q from the first step not held (once per state). */
  function fetchExact(q) {
    const want = `${q}|${values.held[q]}|${received}`;
    if (want === fetched) return;
    fetched = want;
    model.send({ kind: "fetch", quantity: quantities[q][0], from: values.held[q], view: viewId });
  }

  function drawHeatAndLine() {
    const c = colors();
    const q = qIndex();
    const u = unit();
    const g = geometry();
    const [name, label] = quantities[q];
    heat.dataset.quantity = name;
    if (!exact(q)) {
      // the exact values of this quantity are on their way: the coarse preview stands in, said so,
      // and no number is shown until they are here
      root.dataset.exact = "false";
      heatTitle.textContent = `${name}: ${label}, a coarse preview (units averaged in ${thumbs.rows} groups); loading the exact values\u2026`;
      unitAxis.style.height = `${hidden * g.rh}px`;
      const ready = thumbs.T === values.T;
      drawHeat(heat, ready && values.T ? thumbImages[q]?.canvas : null, {
        T: values.T,
        hidden,
        cw: g.cw,
        rh: g.rh,
        chars: values.chars,
        unit: u,
        step: hoverStep,
        colors: c,
        labels: g.labels,
        rows: thumbs.rows,
      });
      readout.dataset.quantity = name;
      readout.dataset.unit = String(u);
      readout.dataset.step = "";
      readout.dataset.value = "";
      readout.textContent = `Loading the exact values of ${name}\u2026`;
      fetchExact(q);
      return;
    }
    root.dataset.exact = "true";
    const range = rangeFor(name, shown(q));
    const ends = `${formatNumber(range.lo)} blue \u2026 ${formatNumber((range.lo + range.hi) / 2)} \u2026 ${formatNumber(range.hi)} red`;
    heatTitle.textContent = `${name}: ${label}, every unit (rows) at every character (columns); colours ${ends}`;
    heat.dataset.cellW = String(g.cw);
    heat.dataset.cellH = String(g.rh);
    unitAxis.style.height = `${hidden * g.rh}px`;
    unitAxis.textContent = "";
    unitAxis.append(h("span", { text: "unit 0" }), h("span", { text: `unit ${hidden - 1}` }));
    drawHeat(heat, values.T ? images[q]?.canvas : null, {
      T: values.T,
      hidden,
      cw: g.cw,
      rh: g.rh,
      chars: values.chars,
      unit: u,
      step: hoverStep,
      colors: c,
      labels: g.labels,
    });
    const series = unitSeries(values, q, u);
    lineTitle.textContent = `unit ${u} of ${name} along the text`;
    const lr = lineRange(name, series);
    drawLine(line, series, { cw: g.cw, height: 84, range: lr, step: hoverStep, colors: c });
    lineAxis.replaceChildren(
      h("span", { text: formatNumber(lr.hi) }),
      h("span", { text: formatNumber((lr.lo + lr.hi) / 2) }),
      h("span", { text: formatNumber(lr.lo) }),
    );
    drawReadout(series);
    drawTextmap(series, range);
    drawTop(series);
  }

  function drawReadout(series) {
    const q = qIndex();
    const u = unit();
    const name = quantities[q][0];
    const t = hoverStep !== null && hoverStep < values.T ? hoverStep : values.T - 1;
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

  function cellColor(v, range) {
    const j = 4 * lutIndex(v, range);
    return `rgb(${lut[j]},${lut[j + 1]},${lut[j + 2]})`;
  }

  /** @type {HTMLElement[]} the text's characters on the page, one span each */
  const spans = [];
  let textKey = "";
  let textFrom = 0; // the first step whose span is out of date
  /** @type {HTMLElement | null} */
  let hoveredSpan = null;

  function drawTextmap(series, range) {
    const key = `${qIndex()}|${unit()}|${range.lo}|${range.hi}|${lutKey}`;
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
      const span = h("span", {
        class: "rnnw-insp-char",
        "data-step": String(t),
        "data-value": String(series[t]),
        text: ch === "\n" ? "\u21b5" : ch,
        style: { "background-color": cellColor(series[t], range) },
      });
      spans.push(span);
      frag.appendChild(span);
      if (ch === "\n") frag.appendChild(h("br"));
    }
    textmap.appendChild(frag);
    textKey = key;
    textFrom = values.T;
    const hov = hoverStep !== null ? (spans[hoverStep] ?? null) : null;
    if (hov !== hoveredSpan) {
      hoveredSpan?.classList.remove("rnnw-insp-char-hover");
      hov?.classList.add("rnnw-insp-char-hover");
      hoveredSpan = hov;
    }
  }

  function drawTop(series) {
    const q = qIndex();
    const u = unit();
    topTitle.textContent = `Where unit ${u} of ${quantities[q][0]} fires most`;
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

  function drawAll() {
    drawMaps();
    drawThumbs();
    drawHeatAndLine();
  }

  // ---- talking to the kernel ----
  function sendText(text) {
    const now = performance.now();
    if (inFlight !== null && now - inFlightAt < 3000) {
      pending = text; // one message at a time: the newest text goes when the kernel answers
      return;
    }
    pending = null;
    inFlight = ++seq;
    inFlightAt = now;
    model.send({ kind: "text", text, seq: inFlight, view: viewId });
  }

  function answered(s, view) {
    if (view === viewId && s === inFlight) {
      inFlight = null;
      if (pending !== null) sendText(pending);
    }
  }

  function showError(message) {
    status.textContent = message;
    status.classList.add("rnnw-error");
    root.dataset.error = "true";
  }

  function clearError() {
    status.textContent = `${values.T} character${values.T === 1 ? "" : "s"}; hover the heat map to follow a unit, click to keep it`;
    status.classList.remove("rnnw-error");
    delete root.dataset.error;
  }

  const onMessage = (msg, buffers) => {
    if (!msg || typeof msg !== "object") return;
    if (msg.kind === "values") {
      try {
        const next = splice(values, msg, floats(buffers[0]), floats(buffers[1]));
        if (msg.thumbs && buffers[2]) thumbs = spliceThumbs(thumbs, msg, bytes(buffers[2]));
        values = next;
      } catch (e) {
        showError(String(/** @type {Error} */ (e).message || e));
        return;
      } finally {
        answered(msg.seq, msg.view);
      }
      // another view's typing or Python's text: show it; this view's own answer never overwrites the box
      if ((msg.origin === "python" || msg.view !== viewId) && textarea.value !== msg.text) textarea.value = msg.text;
      if (hoverStep !== null && hoverStep >= values.T) hoverStep = null;
      received++;
      imageFrom.forEach((f, q) => {
        imageFrom[q] = Math.min(f, msg.start);
      });
      if (msg.thumbs) thumbFrom = Math.min(thumbFrom, msg.thumbs.start);
      textFrom = Math.min(textFrom, msg.start);
      const t0 = performance.now();
      drawAll();
      root.dataset.drawMs = (performance.now() - t0).toFixed(1); // the page's own work (benchmarks/)
      root.dataset.kernelMs = String(msg.kernel_ms ?? ""); // the kernel's
      const pageText = textarea.value;
      if (pending === null && inFlight === null && checkText(pageText, vocab, model.get("max_chars")) === null) clearError();
      root.dataset.rev = String(++rev);
      root.dataset.t = String(values.T);
    } else if (msg.kind === "error") {
      if (msg.view !== viewId) return; // another view's refusal
      answered(msg.seq, msg.view);
      showError(msg.message);
    }
  };

  // The notebook must not see keys typed here (JupyterLab takes Enter, arrows, shortcuts otherwise).
  const onTextKey = (/** @type {KeyboardEvent} */ ev) => ev.stopPropagation();
  const onInput = () => {
    const text = textarea.value;
    const problem = checkText(text, vocab, model.get("max_chars"));
    if (problem) {
      showError(problem); // the views keep the last text the model took; what was typed stays
      return;
    }
    sendText(text);
  };

  const pointerStep = (ev) => {
    const box = heat.getBoundingClientRect();
    const g = geometry();
    const t = Math.floor((ev.clientX - box.left) / g.cw);
    const u = Math.floor((ev.clientY - box.top) / g.rh);
    return { t: t >= 0 && t < values.T ? t : null, u: u >= 0 && u < hidden ? u : null };
  };
  const onHeatMove = (ev) => {
    const { t, u } = pointerStep(ev);
    if (t === hoverStep && u === hoverUnit) return;
    hoverStep = t;
    hoverUnit = u;
    drawHeatAndLine();
  };
  const onHeatLeave = () => {
    hoverUnit = null;
    hoverStep = null;
    drawHeatAndLine();
  };
  const onHeatClick = (ev) => {
    const { u } = pointerStep(ev);
    if (u === null) return;
    model.set("unit", u);
    model.save_changes();
  };
  const onHeatKey = (ev) => {
    const u = model.get("unit");
    const d = { ArrowUp: -1, ArrowDown: 1, PageUp: -16, PageDown: 16 }[ev.key];
    if (d === undefined) return;
    ev.preventDefault();
    ev.stopPropagation();
    model.set("unit", Math.max(0, Math.min(hidden - 1, u + d)));
    model.save_changes();
  };
  const onTextHover = (ev) => {
    const t = ev.target?.closest?.(".rnnw-insp-char, .rnnw-insp-top-item");
    const step = t ? Number(t.getAttribute("data-step")) : null;
    if (step === hoverStep) return;
    hoverStep = step;
    drawHeatAndLine();
  };
  const onThumb = (ev) => {
    const b = ev.target?.closest?.(".rnnw-insp-thumb");
    if (!b) return;
    model.set("quantity", b.getAttribute("data-quantity"));
    model.save_changes();
  };
  const onView = () => {
    drawMaps(); // a quantity shown now: its image from the exact values, when they are here
    drawThumbs();
    drawHeatAndLine();
  };

  textarea.addEventListener("input", onInput);
  textarea.addEventListener("keydown", onTextKey);
  heat.addEventListener("pointermove", onHeatMove);
  heat.addEventListener("pointerleave", onHeatLeave);
  heat.addEventListener("click", onHeatClick);
  heat.addEventListener("keydown", onHeatKey);
  textmap.addEventListener("pointerover", onTextHover);
  topList.addEventListener("pointerover", onTextHover);
  root.addEventListener("click", onThumb);
  model.on("msg:custom", onMessage);
  model.on("change:unit", onView);
  model.on("change:quantity", onView);
  const resize = typeof ResizeObserver === "function" ? new ResizeObserver(() => drawHeatAndLine()) : null;
  resize?.observe(root);

  textarea.value = model.get("text");
  clearError();
  drawAll();
  model.send({ kind: "hello" });

  return () => {
    textarea.removeEventListener("input", onInput);
    textarea.removeEventListener("keydown", onTextKey);
    heat.removeEventListener("pointermove", onHeatMove);
    heat.removeEventListener("pointerleave", onHeatLeave);
    heat.removeEventListener("click", onHeatClick);
    heat.removeEventListener("keydown", onHeatKey);
    textmap.removeEventListener("pointerover", onTextHover);
    topList.removeEventListener("pointerover", onTextHover);
    root.removeEventListener("click", onThumb);
    model.off("msg:custom", onMessage);
    model.off("change:unit", onView);
    model.off("change:quantity", onView);
    resize?.disconnect();
    clear(el);
  };
}

export default {
  /** @type {import("@anywidget/types").Render} */
  render({ model, el }) {
    return mountInspector(model, el);
  },
};
