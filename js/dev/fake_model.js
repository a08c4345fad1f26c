// A stand-in for anywidget's model, for looking at the view without Jupyter (harness.html, tests).
// It holds the traits and fires change events. It never computes: Python (rnn_widget/core) is the
// only source of numbers. It applies "edit" messages to its traits and answers them (and pings) the
// way the kernel does: trait updates first, then the ack, after `latency` ms; `answer: false` plays
// a dead kernel that never answers, `answer: "pings"` one whose edit handler fails (pings answered,
// edits never). Where a recomputed trace matters, give it Python's: `python` holds states written
// by Python (js/tests/fixtures/, scripts/make_fixtures.py); after an accepted edit or a
// save_changes it publishes the trace of the one whose model traits (spec, params, inputs, h0, c0,
// targets, bptt) it now holds, and with none it leaves the trace as it was. `replies` answers the
// training requests (train, step, reset) by replaying what Python published for them, frame by
// frame, 30 ms apart (the recording's, whatever number of steps is asked); stop ends a replay.
import { applyEdits, EDIT_FIELDS } from "../data/edits.js";

const LIMIT = 1e6;

export class FakeModel {
  /**
   * @param {Record<string, any>} state
   * @param {{latency?: number, answer?: boolean | "pings", python?: Record<string, any>[], replies?: Record<string, Record<string, any>[]>}} [options]
   */
  constructor(state, { latency = 0, answer = true, python = [], replies = {} } = {}) {
    this.state = structuredClone(state);
    this.handlers = new Map();
    /** @type {Map<string, any>} Python's trace for each state it wrote, by its model traits */
    this.traces = new Map(python.map((st) => [modelKey(st), st.trace]));
    this.replies = replies;
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
    this.reply(msg);
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
    this.publishTrace();
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
    if (this.latency) setTimeout(() => this.publishTrace(), this.latency);
    else this.publishTrace();
  }
  /** Publish Python's trace for the state now held, when one was given (see `python`). */
  publishTrace() {
    const trace = this.traces.get(modelKey(this.state));
    if (trace) this.publish("trace", structuredClone(trace));
  }

  /** Training requests (protocol: train, step, stop, reset): Python's recorded answer, replayed. */
  reply(msg) {
    if (msg?.type === "stop") {
      if (this.replaying) this.stopping = true;
      return;
    }
    const frames = this.replies[msg?.type];
    if (!frames?.length) return;
    this.stopping = false;
    this.replaying = true;
    let i = 0;
    const next = () => {
      if (this.stopping) {
        this.replaying = this.stopping = false;
        this.publish("training", { ...this.state.training, running: false, message: "stopped" });
        return;
      }
      for (const [k, v] of Object.entries(frames[i++])) this.publish(k, structuredClone(v));
      if (i < frames.length) setTimeout(next, 30);
      else this.replaying = false;
    };
    setTimeout(next, 0);
  }
}

/** A state's model traits (what Python's trace depends on), as one string: keys sorted, so the
 * order in which traits or parameters were written does not matter. */
function modelKey(st) {
  /** @param {[string, any]} x @param {[string, any]} y */
  const byKey = (x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0);
  const sorted = (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(byKey)) : v);
  const traits = ["spec", "params", "inputs", "h0", "c0", "targets", "bptt"];
  return JSON.stringify(
    traits.map((k) => st[k] ?? null),
    sorted,
  );
}
