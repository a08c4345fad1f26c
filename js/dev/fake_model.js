// A stand-in for anywidget's model, for looking at the view without Jupyter (harness.html).
// It holds the traits, fires change events, and for plain RNNs recomputes the trace the way the
// Python side does (dev only: the widget itself never computes). With targets it adds the
// gradients (fake_grads.js) and answers the training requests with plain SGD. It applies "edit"
// messages and answers them (and pings) the way the kernel does: trait updates first, then the
// ack, after `latency` ms; `answer: false` plays a dead kernel that never answers, `answer: "pings"`
// one whose edit handler fails (pings answered, edits never).
import { fakeTrace } from "./fake_grads.js";
import { applyEdits, EDIT_FIELDS } from "../data/edits.js";

const LIMIT = 1e6;

export class FakeModel {
  /**
   * @param {Record<string, any>} state
   * @param {{recompute?: boolean, latency?: number, answer?: boolean | "pings"}} [options]
   */
  constructor(state, { recompute = true, latency = 0, answer = true } = {}) {
    this.state = structuredClone(state);
    this.handlers = new Map();
    this.recompute = recompute;
    this.latency = latency;
    this.answer = answer;
    this.saves = 0;
    /** @type {any[]} */
    this.sent = [];
    /** @type {((edit: any) => {field: string, message: string} | null) | null} a test's extra refusal rule */
    this.check = null;
  }
  get(k) {
    return this.state[k];
  }
  /** What the page calls (tests spy on it: the page must never set the edit fields). */
  set(k, v) {
    this.publish(k, v);
  }
  /** What the (fake) kernel calls to publish a trait. */
  publish(k, v) {
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
  emit(ev, v) {
    [...(this.handlers.get(ev) ?? [])].forEach((cb) => cb(this, v));
  }
  listenerCount() {
    return [...this.handlers.values()].reduce((n, s) => n + s.size, 0);
  }
  send(msg) {
    this.sent.push(msg);
    if (msg?.type === "edit" || msg?.type === "ping") {
      if (!this.answer || (this.answer === "pings" && msg.type === "edit")) return;
      const run = () => (msg.type === "ping" ? this.receive({ type: "pong", id: msg.id }) : this.applyEdit(msg));
      if (this.latency) setTimeout(run, this.latency);
      else run();
      return;
    }
    if (this.recompute) this.train(msg);
  }
  /** A custom message from the kernel (ack, pong): what anywidget hands to msg:custom listeners. */
  receive(msg, buffers = []) {
    [...(this.handlers.get("msg:custom") ?? [])].forEach((cb) => cb(msg, buffers));
  }
  /** Edit messages sent so far (what the page asked Python to change). */
  edits() {
    return this.sent.filter((m) => m.type === "edit");
  }

  /** Apply one edit message as Python does: all or nothing, then publish, then ack. */
  applyEdit({ id, edits }) {
    const problem = (edits || []).map((e) => this.refusal(e)).find(Boolean);
    if (problem) {
      this.publish("error", problem.message);
      this.publish("error_field", problem.field);
      this.receive({ type: "ack", id, ok: false, error: problem.message });
      return;
    }
    const before = Object.fromEntries(EDIT_FIELDS.map((f) => [f, this.state[f]]));
    const after = applyEdits(before, edits, { inputSize: this.state.spec?.input_size, outputSize: this.state.spec?.output_size });
    for (const f of EDIT_FIELDS) if (after[f] !== before[f]) this.publish(f, after[f]);
    if (this.state.error) {
      this.publish("error", "");
      this.publish("error_field", "");
    }
    if (this.recompute) {
      const trace = fakeTrace(this.state) ?? rnnTrace(this.state);
      if (trace) this.publish("trace", trace);
    }
    this.receive({ type: "ack", id, ok: true });
  }
  /** Why Python would refuse one edit entry, or null. */
  refusal(e) {
    const field = e.field === "params" ? e.name : e.field;
    if (e.steps !== undefined)
      return Number.isInteger(e.steps) && e.steps >= 1 ? null : { field, message: `steps must be a whole number >= 1, not ${e.steps}` };
    if (e.on !== undefined) return typeof e.on === "boolean" ? null : { field, message: "on must be true or false" };
    if (typeof e.value !== "number" || !Number.isFinite(e.value) || Math.abs(e.value) > LIMIT)
      return { field, message: `${String(e.value).slice(0, 24)} is not a finite number` };
    const target = e.field === "params" ? this.state.params?.[e.name] : this.state[e.field];
    if (target === undefined || target === null) return { field, message: `${field} is not editable here` };
    let at = target;
    for (const i of e.index || []) {
      if (!Array.isArray(at) || !Number.isInteger(i) || i < 0 || i >= at.length)
        return { field, message: `index ${JSON.stringify(e.index)} is out of range` };
      at = at[i];
    }
    if (typeof at !== "number") return { field, message: `index ${JSON.stringify(e.index)} does not name one number` };
    return this.check?.(e) ?? null;
  }
  save_changes() {
    this.saves++;
    if (!this.recompute) return;
    const run = () => {
      const trace = fakeTrace(this.state) ?? rnnTrace(this.state);
      if (trace) this.publish("trace", trace);
    };
    if (this.latency) setTimeout(run, this.latency);
    else run();
  }

  /** Training requests (protocol: train, step, stop, reset), SGD with momentum, in chunks. */
  train(msg) {
    const opts = { lr: 0.01, momentum: 0, ...(this.state.train_options || {}) };
    const status = (extra) =>
      this.publish("training", {
        running: false,
        step: 0,
        total: 0,
        lr: opts.lr,
        momentum: opts.momentum,
        message: "",
        ...this.state.training,
        ...extra,
      });
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
      this.publish("params", this.state.params);
      const h = this.state.loss_history || [];
      this.publish("loss_curve", { step: h.map((_, i) => i + 1), loss: h });
      this.publish("trace", fakeTrace(this.state));
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
    /** @type {Record<string, number[][]>} */
    const v = { xw: [], hw: [], a: [], h: [] };
    let prev = h0[l];
    const b = params[name("b_h", l)] ?? Array(n).fill(0);
    for (let t = 0; t < T; t++) {
      const xw = vecMat(below[t], params[name("W_xh", l)]);
      const hw = vecMat(prev, params[name("W_hh", l)]);
      const a = add(xw, hw, b);
      const h = a.map(act[spec.activation]);
      v.xw.push(xw);
      v.hw.push(hw);
      v.a.push(a);
      v.h.push(h);
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
    T,
    cell: "rnn",
    activation: spec.activation,
    x: inputs,
    input_mask: inputs.map(() => true),
    scored,
    layers,
    y_pre: yPre,
    y,
    p: null,
    loss,
    loss_steps: lossSteps,
    grads: null,
  };
}
