// A stand-in for anywidget's model, for looking at the view without Jupyter (harness.html).
// It holds the traits, fires change events, and for plain RNNs recomputes the trace the way the
// Python side does (dev only: the widget itself never computes). With targets it adds the
// gradients (fake_grads.js) and answers the training requests with plain SGD.
import { fakeTrace } from "./fake_grads.js";

export class FakeModel {
  constructor(state, { recompute = true, latency = 0 } = {}) {
    this.state = structuredClone(state);
    this.handlers = new Map();
    this.recompute = recompute;
    this.latency = latency;
    this.saves = 0;
    this.sent = [];
  }
  get(k) { return this.state[k]; }
  set(k, v) {
    this.state[k] = v;
    this.emit(`change:${k}`, v);
  }
  on(ev, cb) {
    if (!this.handlers.has(ev)) this.handlers.set(ev, new Set());
    this.handlers.get(ev).add(cb);
  }
  off(ev, cb) {
    if (!ev) return this.handlers.clear();
    if (!cb) return this.handlers.delete(ev);
    this.handlers.get(ev)?.delete(cb);
  }
  emit(ev, v) { [...(this.handlers.get(ev) ?? [])].forEach((cb) => cb(this, v)); }
  listenerCount() { return [...this.handlers.values()].reduce((n, s) => n + s.size, 0); }
  send(msg) {
    this.sent.push(msg);
    if (this.recompute) this.train(msg);
  }
  save_changes() {
    this.saves++;
    if (!this.recompute) return;
    const run = () => {
      const trace = fakeTrace(this.state) ?? rnnTrace(this.state);
      if (trace) this.set("trace", trace);
    };
    if (this.latency) setTimeout(run, this.latency); else run();
  }

  /** Training requests (protocol: train, step, stop, reset), SGD with momentum, in chunks. */
  train(msg) {
    const opts = { lr: 0.01, momentum: 0, ...(this.state.train_options || {}) };
    const status = (extra) => this.set("training", { running: false, step: 0, total: 0, lr: opts.lr, momentum: opts.momentum, message: "", ...this.state.training, ...extra });
    const sgd = () => {
      const st = { ...this.state, bptt: { ...(this.state.bptt || {}), clip_norm: opts.clip_norm ?? null } };
      const trace = fakeTrace(st);
      if (!trace?.grads) return false;
      this._start ??= structuredClone(this.state.params);
      this.velocity ??= {};
      const params = {};
      for (const [k, g] of Object.entries(trace.grads.params)) {
        const v = this.velocity[k] ? combine(this.velocity[k], g, opts.momentum) : g;
        this.velocity[k] = v;
        params[k] = combine(this.state.params[k], v, -opts.lr);
      }
      this.state.params = params;
      this.state.loss_history = [...(this.state.loss_history || []), trace.loss];
      return true;
    };
    const publish = () => {
      this.set("params", this.state.params);
      const h = this.state.loss_history || [];
      this.set("loss_curve", { step: h.map((_, i) => i + 1), loss: h });
      this.set("trace", fakeTrace(this.state));
    };
    if (msg.type === "step") {
      if (sgd()) publish();
    } else if (msg.type === "reset") {
      if (this._start) this.state.params = this._start;
      this._start = undefined;
      this.velocity = {};
      this.state.loss_history = [];
      publish();
      status({ running: false, step: 0, total: 0 });
    } else if (msg.type === "stop") {
      this.stopping = true;
    } else if (msg.type === "train") {
      const total = msg.steps;
      let step = 0;
      this.stopping = false;
      status({ running: true, step, total });
      const chunk = () => {
        for (let i = 0; i < 5 && step < total && !this.stopping; i++, step++) sgd();
        publish();
        const running = step < total && !this.stopping;
        status({ running, step, total });
        if (running) setTimeout(chunk, 30);
      };
      setTimeout(chunk, 0);
    }
  }
}

const combine = (a, b, k) => (Array.isArray(a) ? a.map((x, i) => combine(x, b[i], k)) : a * (k < 0 ? 1 : k) + b * (k < 0 ? k : 1));

const act = { relu: (v) => Math.max(0, v), tanh: Math.tanh, sigmoid: (v) => 1 / (1 + Math.exp(-v)), identity: (v) => v };
const vecMat = (v, m) => m[0].map((_, j) => v.reduce((s, vi, i) => s + vi * m[i][j], 0));
const add = (...vs) => vs[0].map((_, i) => vs.reduce((s, v) => s + v[i], 0));

/** Row-convention forward pass of a stacked plain RNN with readout, in the protocol's trace format. */
export function rnnTrace(st) {
  const { spec, params, inputs, h0 } = st;
  if (spec.cell !== "rnn") return null;
  const T = inputs.length;
  const sizes = spec.hidden_sizes;
  const name = (stem, l) => (l === 0 ? stem : `${stem}@${l + 1}`);
  let below = inputs;
  const layers = sizes.map((n, l) => {
    const v = { xw: [], hw: [], a: [], h: [] };
    let prev = h0[l];
    const b = params[name("b_h", l)] ?? Array(n).fill(0);
    for (let t = 0; t < T; t++) {
      const xw = vecMat(below[t], params[name("W_xh", l)]);
      const hw = vecMat(prev, params[name("W_hh", l)]);
      const a = add(xw, hw, b);
      const h = a.map(act[spec.activation]);
      v.xw.push(xw); v.hw.push(hw); v.a.push(a); v.h.push(h);
      prev = h;
    }
    below = v.h;
    return { size: n, h0: h0[l], c0: null, values: v };
  });
  let y = null;
  let yPre = null;
  if (spec.output_size) {
    const by = params.b_y ?? Array(spec.output_size).fill(0);
    yPre = below.map((h) => add(vecMat(h, params.W_hy), by));
    y = yPre.map((r) => r.map(act[spec.output_activation ?? "identity"]));
  }
  const scored = inputs.map((_, t) => spec.mode === "many-to-many" || spec.mode === "one-to-many" || t === T - 1);
  let loss = null;
  let lossSteps = null;
  if (st.targets && y) {
    lossSteps = y.map((row, t) => (scored[t] ? row.reduce((s, v, i) => s + (v - st.targets[t][i]) ** 2, 0) : null));
    loss = lossSteps.reduce((s, v) => s + (v ?? 0), 0);
  }
  return {
    T, cell: "rnn", activation: spec.activation, x: inputs, input_mask: inputs.map(() => true), scored,
    layers, y_pre: yPre, y, p: null, loss, loss_steps: lossSteps, grads: null,
  };
}
