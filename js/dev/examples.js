// Example states for the harness: Tom Yeh's exercise (seed 000) and an LSTM with made-up but
// plausible numbers (layout only).
import { rnnTrace } from "./fake_model.js";
import { fakeTrace } from "./fake_grads.js";

export function tomYeh() {
  /** @type {Record<string, any>} */
  const st = {
    spec: {
      cell: "rnn",
      activation: "relu",
      input_size: 1,
      hidden_sizes: [2],
      output_size: 1,
      output_activation: "identity",
      bias: false,
      output_bias: false,
      gru_variant: "torch",
      mode: "many-to-many",
      loss: "squared",
    },
    params: {
      W_hh: [
        [1, 1],
        [-1, 1],
      ],
      W_xh: [[1, 2]],
      W_hy: [[-1], [1]],
    },
    param_order: ["W_hh", "W_xh", "W_hy"],
    inputs: [[3], [4], [5], [6]],
    h0: [[0, 0]],
    targets: null,
    convention: "column",
    display_names: { W_hh: "A", W_xh: "B", W_hy: "C" },
    labels: ["3", "4", "5", "6"],
    title: "RNN by hand",
    reveal: -1,
    focus_step: 1,
    error: "",
    error_field: "",
    limits: { max_hidden: 16, max_input: 16, max_output: 16, max_steps: 32, max_layers: 4 },
  };
  st.trace = rnnTrace(st);
  return st;
}

/** Seed 001: two stacked tanh layers, row convention, the second layer named k. */
export function vietnamese() {
  /** @type {Record<string, any>} */
  const st = {
    ...tomYeh(),
    spec: { ...tomYeh().spec, activation: "tanh", input_size: 4, hidden_sizes: [3, 2], output_size: null, bias: true, mode: "many-to-one" },
    params: {
      W_xh: [
        [-0.2, -0.6, 0.1],
        [-0.4, -0.8, -0.1],
        [0.3, 0.5, 0.6],
        [-0.4, -0.3, 0.1],
      ],
      W_hh: [
        [0.9, -0.1, 0.1],
        [-0.1, -0.9, -0.3],
        [0.1, 0.3, -0.9],
      ],
      b_h: [0, 0, 0],
      "W_xh@2": [
        [-1.1, 0.1],
        [0.3, -0.2],
        [-0.1, 0.4],
      ],
      "W_hh@2": [
        [0.1, 0.9],
        [0.9, -0.1],
      ],
      "b_h@2": [0, 0],
    },
    param_order: ["W_xh", "W_hh", "b_h", "W_xh@2", "W_hh@2", "b_h@2"],
    inputs: [
      [1, 3, 2, 1],
      [0, 4, 1, 2],
    ],
    h0: [
      [0, 0, 0],
      [0, 0],
    ],
    convention: "row",
    display_names: { "h@2": "k", "W_xh@2": "W_hk", "W_hh@2": "W_kk", "b_h@2": "b_k" },
    labels: ["I", "am"],
    title: "Two stacked layers (seed 001)",
    focus_step: 1,
  };
  st.trace = rnnTrace(st);
  return st;
}

export function lstm() {
  const v = (...a) => a;
  const T = 3;
  /** @type {Record<string, any>} */
  const st = {
    ...tomYeh(),
    spec: { ...tomYeh().spec, cell: "lstm", activation: "tanh", input_size: 1, hidden_sizes: [2], output_size: 1, bias: true },
    params: {
      W_xi: [[0.5, -0.3]],
      W_hi: [
        [0.1, 0.2],
        [-0.4, 0.3],
      ],
      b_i: [0, 0.1],
      W_xf: [[0.2, 0.4]],
      W_hf: [
        [0.3, -0.1],
        [0.2, 0.5],
      ],
      b_f: [1, 1],
      W_xc: [[0.8, -0.6]],
      W_hc: [
        [-0.2, 0.4],
        [0.6, 0.1],
      ],
      b_c: [0, 0],
      W_xo: [[0.3, 0.7]],
      W_ho: [
        [0.2, -0.3],
        [0.1, 0.4],
      ],
      b_o: [0, 0],
      W_hy: [[1], [-1]],
    },
    param_order: ["W_xi", "W_hi", "b_i", "W_xf", "W_hf", "b_f", "W_xc", "W_hc", "b_c", "W_xo", "W_ho", "b_o", "W_hy"],
    inputs: [[1], [0.5], [-1]],
    h0: [[0, 0]],
    convention: "row",
    display_names: {},
    labels: ["the", "cat", "sat"],
    title: "LSTM (illustrative numbers)",
  };
  st.trace = {
    T,
    cell: "lstm",
    activation: "tanh",
    x: [[1], [0.5], [-1]],
    input_mask: [true, true, true],
    scored: [true, true, true],
    layers: [
      {
        size: 2,
        h0: [0, 0],
        c0: [0, 0],
        values: {
          z_i: [v(0.5, -0.2), v(0.31, -0.08), v(-0.52, 0.41)],
          z_f: [v(1.2, 1.4), v(1.13, 1.25), v(0.78, 0.62)],
          z_c: [v(0.8, -0.6), v(0.46, -0.27), v(-0.75, 0.61)],
          z_o: [v(0.3, 0.7), v(0.18, 0.41), v(-0.33, -0.52)],
          i: [v(0.6225, 0.4502), v(0.5769, 0.48), v(0.3729, 0.6011)],
          f: [v(0.7685, 0.8022), v(0.7558, 0.7773), v(0.6857, 0.6502)],
          o: [v(0.5744, 0.6682), v(0.5449, 0.6011), v(0.4182, 0.3729)],
          c_tilde: [v(0.664, -0.537), v(0.4301, -0.2636), v(-0.6351, 0.5441)],
          c: [v(0.4133, -0.2418), v(0.5605, -0.3145), v(0.1475, 0.1226)],
          tanh_c: [v(0.3913, -0.2372), v(0.5083, -0.3046), v(0.1464, 0.122)],
          h: [v(0.2248, -0.1585), v(0.277, -0.1831), v(0.0612, 0.0455)],
        },
      },
    ],
    y_pre: [[0.3833], [0.4601], [0.0157]],
    y: [[0.3833], [0.4601], [0.0157]],
    p: null,
    loss: null,
    loss_steps: null,
    grads: null,
  };
  return st;
}

/** A larger network, to see the compact diagram. */
export function large() {
  const H = 12;
  const T = 20;
  const rnd = (i, j) => (Math.round(Math.sin(i * 12.9898 + j * 78.233) * 437.58) % 100) / 250;
  /** @type {Record<string, any>} */
  const st = {
    ...tomYeh(),
    spec: { ...tomYeh().spec, activation: "tanh", input_size: 2, hidden_sizes: [H], output_size: 2 },
    params: {
      W_xh: [0, 1].map((i) => Array.from({ length: H }, (_, j) => rnd(i, j))),
      W_hh: Array.from({ length: H }, (_, i) => Array.from({ length: H }, (_, j) => rnd(i + 3, j))),
      W_hy: Array.from({ length: H }, (_, i) => [rnd(i, 7), rnd(i, 9)]),
    },
    param_order: ["W_xh", "W_hh", "W_hy"],
    inputs: Array.from({ length: T }, (_, t) => [Math.sin(t / 2), Math.cos(t / 3)]),
    h0: [Array(H).fill(0)],
    convention: "row",
    display_names: {},
    labels: Array.from({ length: T }, (_, t) => `w${t + 1}`),
    title: "A larger network (compact diagram)",
    focus_step: 0,
  };
  st.trace = rnnTrace(st);
  return st;
}

const GRAD_STATE = {
  show_grads: true,
  bptt: { clip_norm: null, truncate: null },
  bptt_step: -1,
  training: { running: false, step: 0, total: 0, lr: 0.05, momentum: 0, message: "" },
  train_options: { lr: 0.05, momentum: 0, steps: 100, clip_norm: null },
  loss_history: [],
  loss_curve: { step: [], loss: [] },
};

/** The LSTM above with targets: gates, the cell-state belt and every gradient (harness-computed). */
export function lstmGrads() {
  /** @type {Record<string, any>} */
  const st = { ...lstm(), ...GRAD_STATE, targets: [[0.5], [-0.2], [0.8]], title: "LSTM: gates and gradients", focus_step: 1 };
  st.trace = fakeTrace(st);
  return st;
}

/** Seed 003: read 1, 3, 5, 7, 9 and predict 11 from the last output (many-to-one, tanh), partly trained. */
export function nextNumber({ trained = 20 } = {}) {
  /** @type {Record<string, any>} */
  const st = {
    ...tomYeh(),
    ...GRAD_STATE,
    spec: {
      ...tomYeh().spec,
      activation: "tanh",
      input_size: 1,
      hidden_sizes: [3],
      output_size: 1,
      bias: true,
      output_bias: true,
      mode: "many-to-one",
    },
    params: {
      W_xh: [[0.21, -0.34, 0.12]],
      W_hh: [
        [0.42, -0.18, 0.3],
        [0.25, 0.51, -0.22],
        [-0.36, 0.14, 0.47],
      ],
      b_h: [0.05, -0.02, 0.01],
      W_hy: [[0.62], [-0.41], [0.55]],
      b_y: [0.1],
    },
    param_order: ["W_xh", "W_hh", "b_h", "W_hy", "b_y"],
    inputs: [[1], [3], [5], [7], [9]],
    h0: [[0, 0, 0]],
    targets: [[0], [0], [0], [0], [11]],
    convention: "row",
    display_names: { W_hy: "W_ho", b_y: "b_o", y: "O" },
    labels: ["1", "3", "5", "7", "9"],
    title: "Predict the next number: 1, 3, 5, 7, 9 \u2192 11",
    focus_step: 4,
    train_options: { lr: 0.02, momentum: 0.5, steps: 200, clip_norm: null },
  };
  // A loss history as the kernel would publish it after `trained` SGD steps (harness only).
  /** @type {number[]} */
  const history = [];
  /** @type {Record<string, any>} */
  const v = {};
  for (let i = 0; i < trained; i++) {
    /** @type {any} */
    const tr = fakeTrace(st);
    history.push(tr.loss);
    for (const [k, g] of Object.entries(tr.grads.params)) {
      v[k] = v[k] ? step(v[k], g, st.train_options.momentum) : g;
      st.params = { ...st.params, [k]: step(st.params[k], v[k], -st.train_options.lr) };
    }
  }
  st.loss_history = history;
  st.loss_curve = { step: history.map((_, i) => i + 1), loss: history };
  st.training = { running: false, step: trained, total: trained, lr: 0.02, momentum: 0.5, message: "" };
  st.trace = fakeTrace(st);
  return st;
}

const step = (a, b, k) => (Array.isArray(a) ? a.map((x, i) => step(x, b[i], k)) : k < 0 ? a + k * b : k * a + b);

/** A bigger LSTM (compact diagram: gates as bars only, numbers in tooltips), harness-computed. */
export function largeLstm() {
  const H = 10;
  const T = 12;
  const rnd = (i, j) => (Math.round(Math.sin(i * 12.9898 + j * 78.233) * 437.58) % 100) / 300;
  const mat = (r, c, k) => Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => rnd(i + k, j + 2 * k)));
  const params = {};
  ["i", "f", "c", "o"].forEach((g, k) => {
    params[`W_x${g}`] = mat(2, H, k);
    params[`W_h${g}`] = mat(H, H, k + 5);
    params[`b_${g}`] = Array(H).fill(g === "f" ? 1 : 0);
  });
  params.W_hy = mat(H, 1, 9);
  /** @type {Record<string, any>} */
  const st = {
    ...large(),
    ...GRAD_STATE,
    spec: { ...large().spec, cell: "lstm", hidden_sizes: [H], output_size: 1, mode: "many-to-one" },
    params,
    param_order: Object.keys(params),
    h0: [Array(H).fill(0)],
    inputs: Array.from({ length: T }, (_, t) => [Math.sin(t / 2), Math.cos(t / 3)]),
    targets: Array.from({ length: T }, () => [0.5]),
    labels: Array.from({ length: T }, (_, t) => `w${t + 1}`),
    title: "A larger LSTM (compact diagram)",
  };
  st.trace = fakeTrace(st);
  return st;
}
