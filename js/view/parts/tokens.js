// Text mode: the token strip under the diagram. Per step, bottom up as the diagram reads: the
// input token, the softmax's top tokens with their probabilities, and the next token (the target,
// or the one sampling chose) with -log p, the step's cross-entropy. When the widget shows a
// sampling run, an arrow carries each chosen token into the next step's input. Tokens are user
// text: SVG text nodes only. Hidden when the widget has no vocabulary.
import { h, svg, setChildren } from "../dom.js";
import { visibility } from "../../data/slides.js";
import { subscript } from "../../data/format.js";
import {
  labelWidth,
  sampleCaption,
  sampleRequest,
  shortToken,
  showToken,
  STRIP,
  stripLayout,
  stripWindow,
  tokenSteps,
} from "../../data/tokens.js";

const TOP_K = 3;

/** @param {number} p */
const percent = (p) => p.toFixed(2);

/** @param {import("./context.js").PartContext} ctx @returns {import("./context.js").Part} */
export function create({ get, current, send, slides, request }) {
  const caption = h("div", { class: "rnnw-tok-caption" });
  const scroller = h("div", { class: "rnnw-tok-scroll" });
  // Sampling from the page: a start token, a length, a temperature (0: greedy) and a seed
  const startMenu = h("select", { class: "rnnw-select rnnw-select-small", "aria-label": "Start token", "data-control": "sample-start" });
  const input = (/** @type {string} */ key, /** @type {string} */ label, /** @type {string} */ value) =>
    h("input", {
      class: "rnnw-input rnnw-tok-num",
      type: "text",
      inputmode: "decimal",
      autocomplete: "off",
      "aria-label": label,
      "data-control": key,
      value,
    });
  const lengthIn = input("sample-length", "Tokens to sample", "4");
  const tempIn = input("sample-temperature", "Temperature (0: greedy)", "0");
  const seedIn = input("sample-seed", "Seed", "0");
  const sampleBtn = h("button", { type: "button", class: "rnnw-btn", "data-action": "sample" }, ["Sample"]);
  const sampleMsg = h("span", { class: "rnnw-msg rnnw-tok-msg", role: "status", "aria-live": "polite" });
  const field = (/** @type {string} */ label, /** @type {HTMLElement} */ control) =>
    h("label", { class: "rnnw-field rnnw-field-inline" }, [h("span", { class: "rnnw-flabel" }, [label]), control]);
  const controls = h("div", { class: "rnnw-tok-controls" }, [
    field("from", startMenu),
    field("tokens", lengthIn),
    field("temperature", tempIn),
    field("seed", seedIn),
    sampleBtn,
    sampleMsg,
  ]);
  const el = h("section", { class: "rnnw-section rnnw-tokens", "aria-label": "Tokens", hidden: true }, [
    h("div", { class: "rnnw-section-title" }, ["Softmax over the vocabulary"]),
    controls,
    caption,
    scroller,
  ]);
  const sample = () => {
    const typed = { start: startMenu.value, length: lengthIn.value, temperature: tempIn.value, seed: seedIn.value };
    const r = sampleRequest(typed, current("vocab") || []);
    sampleMsg.textContent = "error" in r ? r.error : "";
    if ("msg" in r) request(r.msg);
  };
  /** @param {KeyboardEvent} ev */
  const onKey = (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      sample();
    }
  };
  sampleBtn.addEventListener("click", sample);
  controls.addEventListener("keydown", onKey);
  let menuFor = "";
  /** @param {Event} ev */
  const onClick = (ev) => {
    const g = /** @type {Element} */ (ev.target).closest?.("[data-tok-step]");
    const t = g ? Number(g.getAttribute("data-tok-step")) : Number.NaN;
    if (Number.isInteger(t) && t !== current("focus_step")) send({ focus_step: t });
  };
  scroller.addEventListener("click", onClick);
  return {
    el,
    render() {
      const vocab = get("vocab") || [];
      const trace = get("trace");
      if (!vocab.length || !trace?.T) {
        el.hidden = true;
        setChildren(scroller, []);
        return;
      }
      el.hidden = false;
      const menuKey = JSON.stringify(vocab);
      if (menuKey !== menuFor) {
        const keep = startMenu.value;
        setChildren(
          startMenu,
          vocab.map((/** @type {string} */ v) => h("option", { value: v }, [showToken(v)])),
        );
        startMenu.value = vocab.includes(keep) ? keep : vocab[0];
        menuFor = menuKey;
      }
      const sampled = get("sampled") || {};
      const vis = visibility(slides(), get("reveal"));
      const focus = get("focus_step") ?? 0;
      // a long text shows the page of steps that holds the focused one (Prev / Next or the diagram move it)
      const win = stripWindow(trace.T, focus);
      const steps = tokenSteps(trace, { vocab, sampled, k: TOP_K, shown: (t) => vis.y(t) }).slice(win.start, win.end);
      const k = Math.min(TOP_K, vocab.length);
      const L = stripLayout(win.end - win.start, k, labelWidth(vocab));
      const tokens = vocab.map(showToken).join(" ");
      const shownSteps = win.end - win.start < trace.T ? `Steps ${win.start + 1}\u2013${win.end} of ${trace.T}. ` : "";
      caption.textContent =
        shownSteps +
        (sampleCaption(sampled) || `${vocab.length} tokens: ${tokens.length > 120 ? `${tokens.slice(0, 119)}\u2026` : tokens}`);
      const sampling = Boolean(sampled?.tokens?.length);
      // -log p is the step's share of the loss: an exercise may hold the loss as a blank
      const exercise = Boolean(get("homework"));
      const s = { ...STRIP, col: L.col };
      const boxChars = Math.floor((s.col - 44) / 9); // 15 px monospace, room for the x_t mark
      const rowLabel = (/** @type {number} */ y, /** @type {string} */ text) =>
        svg("text", { class: "rnnw-tok-rowlabel", x: s.left - 10, y, "text-anchor": "end", "dominant-baseline": "central" }, [text]);
      /** @type {SVGElement[]} */
      const parts = [
        rowLabel(L.rows.next + s.box / 2, sampling ? "chosen" : "target"),
        rowLabel(L.rows.ce + s.line / 2, "\u2212log p"),
        rowLabel(L.rows.bars + (k * s.bar) / 2, `top ${k}`),
        rowLabel(L.rows.input + s.box / 2, "input"),
      ];
      for (const st of steps) {
        const x = L.colX(st.step - win.start);
        const col = [];
        col.push(
          svg("rect", {
            class: ["rnnw-tok-col", st.step === focus && "rnnw-tok-focus"],
            x: x - 4,
            y: 2,
            width: s.col + 8,
            height: L.height - 4,
            rx: 6,
          }),
        );
        if (st.next) {
          col.push(
            svg("g", { class: ["rnnw-tok-next", st.chosen && "rnnw-tok-chosen"], "data-token": st.next }, [
              svg("rect", { x, y: L.rows.next, width: s.col, height: s.box, rx: 5 }),
              svg("text", { x: x + s.col / 2, y: L.rows.next + s.box / 2, "text-anchor": "middle", "dominant-baseline": "central" }, [
                shortToken(st.next, boxChars),
              ]),
            ]),
          );
        }
        if (st.pNext !== null && st.pNext > 0 && !exercise) {
          col.push(
            svg(
              "text",
              {
                class: "rnnw-tok-ce",
                x: x + s.col / 2,
                y: L.rows.ce + s.line / 2,
                "text-anchor": "middle",
                "dominant-baseline": "central",
                "data-p": st.pNext,
              },
              [`\u2212log ${percent(st.pNext)} = ${(-Math.log(st.pNext)).toFixed(2)}`],
            ),
          );
        }
        st.top.forEach((e, i) => {
          const y = L.rows.bars + i * s.bar;
          const tw = L.label + 4;
          const bw = s.col - tw - 34;
          const hit = e.token === st.next;
          col.push(
            svg("g", { class: ["rnnw-tok-bar", hit && "rnnw-tok-hit"], "data-step": st.step, "data-token": e.token, "data-p": e.p }, [
              svg("title", {}, [`p(${showToken(e.token)}) = ${e.p}`]),
              svg("text", { class: "rnnw-tok-label", x: x + 2, y: y + s.bar / 2, "dominant-baseline": "central" }, [shortToken(e.token)]),
              svg("rect", { class: "rnnw-tok-track", x: x + tw, y: y + 4, width: bw, height: s.bar - 8, rx: 2 }),
              svg("rect", {
                class: "rnnw-tok-fill",
                x: x + tw,
                y: y + 4,
                width: Math.max(0, Math.min(1, e.p)) * bw,
                height: s.bar - 8,
                rx: 2,
              }),
              svg("text", { class: "rnnw-tok-p", x: x + s.col, y: y + s.bar / 2, "text-anchor": "end", "dominant-baseline": "central" }, [
                percent(e.p),
              ]),
            ]),
          );
        });
        if (st.hidden) {
          col.push(
            svg(
              "text",
              {
                class: "rnnw-tok-blank",
                x: x + s.col / 2,
                y: L.rows.bars + (k * s.bar) / 2,
                "text-anchor": "middle",
                "dominant-baseline": "central",
              },
              ["?"],
            ),
          );
        }
        col.push(
          svg("g", { class: ["rnnw-tok-input", st.fedBack && "rnnw-tok-fed"], "data-token": st.input }, [
            svg("rect", { x, y: L.rows.input, width: s.col, height: s.box, rx: 5 }),
            svg("text", { class: "rnnw-tok-xt", x: x + 6, y: L.rows.input + s.box / 2, "dominant-baseline": "central" }, [
              `x${subscript(st.step + 1)}`,
            ]),
            svg("text", { x: x + s.col / 2, y: L.rows.input + s.box / 2, "text-anchor": "middle", "dominant-baseline": "central" }, [
              st.input ? shortToken(st.input, boxChars) : "\u2014",
            ]),
          ]),
        );
        parts.push(svg("g", { class: "rnnw-tok-step", "data-tok-step": st.step, "aria-label": `step ${st.step + 1}` }, col));
        if (st.chosen && st.step + 1 < win.end) {
          const a = L.arrow(st.step - win.start);
          parts.push(
            svg("g", { class: "rnnw-tok-feed", "data-from": st.step }, [
              svg("path", { d: a.d }),
              svg("path", { class: "rnnw-tok-head", d: a.head }),
            ]),
          );
        }
      }
      setChildren(scroller, [
        svg(
          "svg",
          {
            class: "rnnw-tok-svg",
            width: L.width,
            height: L.height,
            viewBox: `0 0 ${L.width} ${L.height}`,
            role: "img",
            "aria-label": "Tokens and next-token probabilities",
          },
          parts,
        ),
      ]);
    },
    destroy: () => {
      scroller.removeEventListener("click", onClick);
      sampleBtn.removeEventListener("click", sample);
      controls.removeEventListener("keydown", onKey);
    },
  };
}
