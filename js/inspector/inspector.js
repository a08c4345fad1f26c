// The TextInspector's front end (its own anywidget entry): a text box, every quantity of the
// layer as a thumbnail heat map, the chosen one large (units down, characters across), the
// followed unit along the text (a line and the text coloured by it) and the steps where it fires
// most. The kernel sends float32 buffers for the steps that changed (see rnn_widget/inspect).
// This file holds the view's state, the drawing of the maps, the kernel's messages and the
// wiring; page.js builds the DOM, channel.js sends to the kernel, hover.js follows the pointer,
// readout.js draws the text-side panels, draw.js the canvases, values.js the data work.
import { formatNumber } from "../data/format.js";
import { themeColors } from "../view/canvas.js";
import { clear, h } from "../view/dom.js";
import { createChannel } from "./channel.js";
import { drawHeat, drawLine, drawThumb, mapImage, thumbImage } from "./draw.js";
import { createHover } from "./hover.js";
import { buildPage } from "./page.js";
import { createTextmap, drawReadout, drawTop } from "./readout.js";
import {
  bytes,
  checkText,
  colorTable,
  emptyThumbs,
  emptyValues,
  floats,
  lineRange,
  rangeFor,
  splice,
  spliceThumbs,
  unitSeries,
} from "./values.js";

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
  /** @type {any[]} the maps' offscreen images (draw.js mapImage), drawn when shown */
  const images = quantities.map(() => null);
  const imageFrom = quantities.map(() => 0); // per map: the first column whose image is out of date
  /** @type {any[]} the thumbnails' offscreen images (draw.js thumbImage) */
  const thumbImages = quantities.map(() => null);
  let thumbFrom = 0;
  let received = 0; // values messages taken
  let lutKey = "";
  let lut = new Uint8ClampedArray(0);

  const qIndex = () =>
    Math.max(
      0,
      quantities.findIndex(([q]) => q === model.get("quantity")),
    );
  const unit = () => hover.state.unit ?? model.get("unit");

  // ---- the page ----
  const {
    root,
    textarea,
    status,
    thumbButtons,
    heat,
    heatTitle,
    unitAxis,
    readout,
    line,
    lineAxis,
    lineTitle,
    textmap,
    topTitle,
    topList,
  } = buildPage(model, quantities, hidden, vocab);
  const channel = createChannel(model);
  const textmapView = createTextmap(textmap);
  el.appendChild(root);

  // ---- geometry ----
  const geometry = () => {
    const width = Math.max(320, Math.min(1100, (root.clientWidth || 960) - 112)); // padding, the unit axis
    const T = values.T;
    const cw = T ? Math.min(24, width / T) : 1;
    const rh = Math.max(1, Math.min(8, Math.floor(256 / hidden)));
    return { cw, rh, labels: cw >= 9 };
  };

  // ---- hover: the pointer's step and unit ----
  const hover = createHover({ model, heat, textmap, topList, hidden, steps: () => values.T, geometry, redraw: () => drawHeatAndLine() });

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
  const fetchExact = (q) => channel.fetchExact(quantities[q][0], values.held[q], received);

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
        step: hover.state.step,
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
      step: hover.state.step,
      colors: c,
      labels: g.labels,
    });
    const series = unitSeries(values, q, u);
    lineTitle.textContent = `unit ${u} of ${name} along the text`;
    const lr = lineRange(name, series);
    drawLine(line, series, { cw: g.cw, height: 84, range: lr, step: hover.state.step, colors: c });
    lineAxis.replaceChildren(
      h("span", { text: formatNumber(lr.hi) }),
      h("span", { text: formatNumber((lr.lo + lr.hi) / 2) }),
      h("span", { text: formatNumber(lr.lo) }),
    );
    drawReadout(readout, { values, series, name, unit: u, step: hover.state.step, vocab });
    textmapView.draw({ values, series, range, key: `${q}|${u}|${lutKey}`, lut, step: hover.state.step });
    drawTop(topTitle, topList, { values, series, name, unit: u });
  }

  function drawAll() {
    drawMaps();
    drawThumbs();
    drawHeatAndLine();
  }

  // ---- the status line and the kernel's messages ----
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
        channel.answered(msg.seq, msg.view);
      }
      // another view's typing or Python's text: show it; this view's own answer never overwrites the box
      if ((msg.origin === "python" || msg.view !== channel.viewId) && textarea.value !== msg.text) textarea.value = msg.text;
      if (hover.state.step !== null && hover.state.step >= values.T) hover.state.step = null;
      received++;
      imageFrom.forEach((f, q) => {
        imageFrom[q] = Math.min(f, msg.start);
      });
      if (msg.thumbs) thumbFrom = Math.min(thumbFrom, msg.thumbs.start);
      textmapView.changedFrom(msg.start);
      const t0 = performance.now();
      drawAll();
      root.dataset.drawMs = (performance.now() - t0).toFixed(1); // the page's own work (benchmarks/)
      root.dataset.kernelMs = String(msg.kernel_ms ?? ""); // the kernel's
      const pageText = textarea.value;
      if (channel.idle() && checkText(pageText, vocab, model.get("max_chars")) === null) clearError();
      root.dataset.rev = String(++rev);
      root.dataset.t = String(values.T);
    } else if (msg.kind === "error") {
      if (msg.view !== channel.viewId) return; // another view's refusal
      channel.answered(msg.seq, msg.view);
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
    channel.sendText(text);
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
    hover.detach();
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
