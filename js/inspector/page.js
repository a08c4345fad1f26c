// The TextInspector's page: builds its DOM (text box, status, quantity thumbnails, heat map, the
// unit's line, the coloured text, the top steps) and hands back the elements the view draws into.
import { h } from "../view/dom.js";

/**
 * @param {any} model the anywidget model
 * @param {[string, string][]} quantities
 * @param {number} hidden
 * @param {Set<string>} vocab
 */
export function buildPage(model, quantities, hidden, vocab) {
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
  return {
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
  };
}
