// The unrolled network: SVG for small sizes, a canvas strip diagram for large ones. Built anew when
// its structure changes (steps, sizes, cell, gradient rows, names, labels), else updated in place.
import { h, setChildren } from "../dom.js";
import { diagramLayout } from "../../geometry/diagram_layout.js";
import { buildDiagram, emptyDiagram } from "../diagram_svg.js";
import { buildCompactDiagram } from "../diagram_canvas.js";
import { visibility } from "../../data/slides.js";
import { fitValuesSoon } from "../fit_values.js";

/**
 * What makes the diagram's structure (its SVG or canvas nodes): a change rebuilds, else values update in place.
 * @param {any} trace
 * @param {{grads: boolean, labels: string[], names: Record<string, string>}} opts
 */
export function diagramShapeKey(trace, { grads, labels, names }) {
  return JSON.stringify([
    trace.T,
    trace.x[0]?.length ?? 0,
    trace.layers.map((/** @type {{size: number}} */ l) => l.size),
    Array.isArray(trace.y) ? (trace.y[0]?.length ?? 0) : 0,
    trace.cell,
    Boolean(grads),
    labels || [],
    names || {},
  ]);
}

const isCompact = (/** @type {any} */ view) => Boolean(view.el?.classList?.contains("rnnw-cdiagram"));

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get, slides, gradsShown, answers }) {
  const el = h("div", { class: "rnnw-diagram-box" });
  /** @type {any} */
  let view = null;
  /** @type {string | null} */
  let key = null;
  let stopFit = () => {};
  const drop = () => {
    stopFit();
    view?.destroy();
    view = null;
    key = null;
  };
  return {
    el,
    render() {
      const trace = get("trace");
      if (!trace?.layers?.length) {
        drop();
        setChildren(el, [emptyDiagram("No trace yet")]);
        return;
      }
      const grads = Boolean(gradsShown());
      // a mini-batch followed at sample k > 1: the labels and the targets trait are sample 1's
      const other = (get("batch_sample") ?? 0) > 0;
      const labels = other ? [] : get("labels") || [];
      const names = get("display_names") || {};
      const next = diagramShapeKey(trace, { grads, labels, names });
      if (next !== key || !view) {
        view?.destroy();
        const g = diagramLayout({
          T: trace.T,
          inputSize: trace.x[0]?.length ?? 0,
          layerSizes: trace.layers.map((/** @type {{size: number}} */ l) => l.size),
          outputSize: Array.isArray(trace.y) ? (trace.y[0]?.length ?? 0) : 0,
          cell: trace.cell,
          grads,
        });
        const slotInput = (/** @type {any} */ slot, /** @type {string} */ where) => answers.input(slot, { where });
        view = g.compact
          ? buildCompactDiagram(g, { labels, names, scroller: el, slotInput })
          : buildDiagram(g, { labels, names, slotInput });
        key = next;
        setChildren(el, [view.el]);
        // the SVG scales down to the stage, not below 65% of its size (then the box scrolls): widget.css
        el.style.setProperty("--rnnw-diagram-w", `${g.width}px`);
      }
      view.update({
        trace,
        vis: visibility(slides(), get("reveal")),
        focusStep: get("focus_step"),
        showGrads: grads,
        bpttStep: get("bptt_step") ?? -1,
        targets: other ? trace.targets : get("targets"),
        homework: get("homework") ?? null,
        sampled: other ? null : get("sampled"), // a sampling run: its feedback arrows
      });
      stopFit();
      if (!isCompact(view)) stopFit = fitValuesSoon(view.el); // long numbers squeezed into their cells
    },
    destroy: drop,
  };
}
