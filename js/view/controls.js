// The model controls: cell type, activation, convention, hidden size, layers, output size, mode,
// and in encoder-decoder mode the number of emitted steps (decoder_steps, 1 to T - 1).
// Each change sends a whole new `spec` (or `convention`); Python resizes and recomputes, or
// refuses with a message shown right under these controls (parts/error.js).
import { h, setChildren } from "./dom.js";

const CELLS = [
  ["rnn", "RNN"],
  ["lstm", "LSTM"],
  ["gru", "GRU"],
];
const ACTS = [
  ["tanh", "tanh"],
  ["relu", "ReLU"],
  ["sigmoid", "sigmoid"],
  ["identity", "identity"],
];
const CONVENTIONS = [
  ["column", "column (A h + B x)"],
  ["row", "row (x W + h W)"],
];
const MODES = [
  ["many-to-many", "many to many"],
  ["many-to-one", "many to one"],
  ["one-to-many", "one to many"],
  ["one-to-one", "one to one"],
  ["encoder-decoder", "encoder-decoder"],
];
const range = (a, b) => Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => [String(a + i), String(a + i)]);

/** New spec with a different number of layers: new layers copy the last size. Pure. */
export function withLayers(spec, n) {
  const sizes = [...(spec.hidden_sizes ?? [2])];
  while (sizes.length < n) sizes.push(sizes[sizes.length - 1] ?? 2);
  return { ...spec, hidden_sizes: sizes.slice(0, n) };
}

/**
 * The choices of emitted steps (decoder_steps) for T steps: 1 to T - 1 (at least one step reads
 * the input), keeping the current value listed even when T has shrunk below it. Pure.
 * @param {number} T @param {number} current
 */
export function decoderStepOptions(T, current) {
  return range(1, Math.max(1, T - 1, current));
}

/** New spec with every layer at one hidden size. Pure. */
export function withHidden(spec, size) {
  return { ...spec, hidden_sizes: (spec.hidden_sizes ?? [size]).map(() => size) };
}

/**
 * @param {{onSpec: (spec: object) => void, onConvention: (c: string) => void}} handlers
 */
export function createControls({ onSpec, onConvention }) {
  let spec = {};
  const field = (label, key, onchange) => {
    const select = h("select", { class: "rnnw-select", "data-control": key, "aria-label": label });
    select.addEventListener("change", () => onchange(select.value));
    return { select, wrap: h("label", { class: "rnnw-field" }, [h("span", { class: "rnnw-flabel" }, [label]), select]) };
  };
  const f = {
    cell: field("Cell", "cell", (v) => onSpec({ ...spec, cell: v })),
    activation: field("Activation", "activation", (v) => onSpec({ ...spec, activation: v })),
    convention: field("Convention", "convention", (v) => onConvention(v)),
    hidden: field("Hidden size", "hidden", (v) => onSpec(withHidden(spec, Number(v)))),
    layers: field("Layers", "layers", (v) => onSpec(withLayers(spec, Number(v)))),
    output: field("Outputs", "output", (v) => onSpec({ ...spec, output_size: v === "none" ? null : Number(v) })),
    mode: field("Mode", "mode", (v) => onSpec({ ...spec, mode: v })),
    decoder: field("Emitted steps", "decoder-steps", (v) => onSpec({ ...spec, decoder_steps: Number(v) })),
  };
  f.decoder.wrap.title = "Steps emitted after the input ends (the last ones take no input)";
  const el = h(
    "div",
    { class: "rnnw-controls", role: "group", "aria-label": "Model" },
    Object.values(f).map((x) => x.wrap),
  );

  const fill = (select, options, value) => {
    const key = JSON.stringify(options);
    if (select.dataset.options !== key) {
      setChildren(
        select,
        options.map(([v, text]) => h("option", { value: v }, [text])),
      );
      select.dataset.options = key;
    }
    select.value = String(value);
  };

  /** @param {{spec: any, convention: string, limits?: import("../data/protocol.js").Limits, steps?: number}} state steps: T */
  function update({ spec: s, convention, limits = {}, steps = 0 }) {
    spec = s || {};
    const sizes = spec.hidden_sizes ?? [];
    fill(f.cell.select, CELLS, spec.cell);
    fill(f.activation.select, ACTS, spec.activation);
    f.activation.select.disabled = spec.cell !== "rnn";
    f.activation.wrap.title = spec.cell === "rnn" ? "" : "LSTM and GRU use sigmoid gates and tanh";
    fill(f.convention.select, CONVENTIONS, convention);
    const hiddenOpts = range(1, limits.max_hidden ?? 16);
    const mixed = sizes.some((n) => n !== sizes[0]);
    fill(f.hidden.select, mixed ? [["mixed", sizes.join(", ")], ...hiddenOpts] : hiddenOpts, mixed ? "mixed" : sizes[0]);
    fill(f.layers.select, range(1, limits.max_layers ?? 4), sizes.length);
    fill(f.output.select, [["none", "none"], ...range(1, limits.max_output ?? 16)], spec.output_size ?? "none");
    fill(f.mode.select, MODES, spec.mode);
    const encdec = spec.mode === "encoder-decoder";
    f.decoder.wrap.hidden = !encdec;
    if (encdec) fill(f.decoder.select, decoderStepOptions(steps, spec.decoder_steps ?? 1), spec.decoder_steps ?? 1);
  }

  return { el, update };
}
