// The two small SVG charts, drawn from chartlayout.js: ||dh_T/dh_k|| against k (log scale) and
// the loss curve. DOM only.
import { svg, h } from "./dom.js";
import { formatNumber } from "../data/format.js";
import { jacobianLayout, lossCurveLayout } from "../geometry/chart_layout.js";

/**
 * @param {SVGSVGElement} root
 * @param {any} L
 * @param {{xLabel: string, yLabel?: string}} labels
 */
function axes(root, L, { xLabel, yLabel }) {
  L.yTicks.forEach((t) => {
    root.appendChild(svg("line", { class: "rnnw-grid-line", x1: L.x0, x2: L.x1, y1: t.pos, y2: t.pos }));
    root.appendChild(
      svg("text", { class: "rnnw-tick", x: L.x0 - 6, y: t.pos, "text-anchor": "end", "dominant-baseline": "central" }, [t.label]),
    );
  });
  L.xTicks.forEach((t) => {
    root.appendChild(svg("line", { class: "rnnw-axis-tick", x1: t.pos, x2: t.pos, y1: L.y0, y2: L.y0 + 4 }));
    root.appendChild(svg("text", { class: "rnnw-tick", x: t.pos, y: L.y0 + 16, "text-anchor": "middle" }, [t.label]));
  });
  root.appendChild(svg("line", { class: "rnnw-axis", x1: L.x0, x2: L.x1, y1: L.y0, y2: L.y0 }));
  root.appendChild(svg("line", { class: "rnnw-axis", x1: L.x0, x2: L.x0, y1: L.y0, y2: L.y1 }));
  root.appendChild(svg("text", { class: "rnnw-axis-label", x: (L.x0 + L.x1) / 2, y: L.height - 3, "text-anchor": "middle" }, [xLabel]));
  if (yLabel) root.appendChild(svg("text", { class: "rnnw-axis-label", x: 4, y: 12 }, [yLabel]));
}

/**
 * ||dh_T/dh_k|| for k = 0..T per layer. Falling fast to the left is a vanishing gradient, rising
 * an exploding one.
 */
export function jacobianChart(norms, { layerName = (l) => `layer ${l + 1}` } = {}) {
  const L = jacobianLayout(norms);
  const root = svg("svg", {
    class: "rnnw-chart rnnw-jacobian",
    width: L.width,
    height: L.height,
    viewBox: `0 0 ${L.width} ${L.height}`,
    role: "img",
    "aria-label": "Norm of dh_T/dh_k against k, log scale",
  });
  axes(root, L, { xLabel: "k (step of the earlier state)" });
  L.lines.forEach((line) => {
    if (!line) return;
    root.appendChild(svg("path", { class: `rnnw-series rnnw-series-${line.layer % 4}`, d: line.path }));
    line.points.forEach((p) =>
      root.appendChild(
        svg(
          "circle",
          {
            class: ["rnnw-dot", `rnnw-series-${line.layer % 4}`, p.floor && "is-floor"],
            cx: p.x,
            cy: p.y,
            r: 3.5,
            "data-k": p.k,
          },
          [svg("title", {}, [`${layerName(line.layer)}: \u2016\u2202h_T/\u2202h_${p.k}\u2016 = ${formatNumber(p.value)}`])],
        ),
      ),
    );
  });
  return root;
}

/** The loss before each SGD step; a log y axis when it spans more than two decades. */
export function lossChart(curve) {
  const L = lossCurveLayout(curve);
  const steps = L.last ? L.last.step + 1 : 0;
  const root = svg("svg", {
    class: ["rnnw-chart", "rnnw-losscurve", L.log && "is-log"],
    width: L.width,
    height: L.height,
    viewBox: `0 0 ${L.width} ${L.height}`,
    role: "img",
    "aria-label": `Loss curve over ${steps} steps${L.log ? ", log scale" : ""}`,
  });
  axes(root, L, { xLabel: "SGD step", yLabel: L.log ? "loss (log)" : "loss" });
  if (L.path) root.appendChild(svg("path", { class: "rnnw-series rnnw-series-loss", d: L.path }));
  if (L.last && L.last.y !== null) {
    root.appendChild(
      svg("circle", { class: "rnnw-dot rnnw-series-loss", cx: L.last.x, cy: L.last.y, r: 4 }, [
        svg("title", {}, [`step ${L.last.step}: loss ${formatNumber(L.last.value)}`]),
      ]),
    );
  }
  return root;
}

/** A chart with a heading and a one-line explanation. */
export function chartFigure(title, chart, caption) {
  return h("figure", { class: "rnnw-figure" }, [
    h("figcaption", { class: "rnnw-panel-title" }, [title]),
    chart,
    caption ? h("div", { class: "rnnw-note" }, [caption]) : null,
  ]);
}
