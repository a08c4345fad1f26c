// Dev only (harness.html, tests): a small forward + BPTT for plain RNN and LSTM stacks in the
// protocol's trace format, so the page can be looked at without Jupyter. The widget itself never
// computes; Python (rnn_widget/core) is the source of truth.

const sig = (v) => 1 / (1 + Math.exp(-v));
const ACT = { relu: (v) => Math.max(0, v), tanh: Math.tanh, sigmoid: sig, identity: (v) => v };
const DACT = { relu: (a) => (a > 0 ? 1 : 0), tanh: (_a, h) => 1 - h * h, sigmoid: (_a, h) => h * (1 - h), identity: () => 1 };
const vm = (v, m) => m[0].map((_, j) => v.reduce((s, vi, i) => s + vi * m[i][j], 0));
const vmT = (v, m) => m.map((row) => row.reduce((s, mij, j) => s + mij * v[j], 0));
const add = (...vs) => vs[0].map((_, i) => vs.reduce((s, v) => s + v[i], 0));
const mul = (a, b) => a.map((x, i) => x * b[i]);
const outer = (a, b) => a.map((x) => b.map((y) => x * y));
const zeros = (n) => Array(n).fill(0);
const name = (stem, l) => (l === 0 ? stem : `${stem}@${l + 1}`);
const cutAt = (t, k) => Boolean(k) && t > 0 && t % k === 0;
const LSTM_GATES = ["i", "f", "c", "o"];

function forwardLayer(cell, X, h0, c0, P, l, activation) {
  const T = X.length;
  const b = (g) => P[name(`b_${g}`, l)] ?? zeros(h0.length);
  if (cell === "rnn") {
    /** @type {Record<string, number[][]>} */
    const v = { xw: [], hw: [], a: [], h: [] };
    let hp = h0;
    for (let t = 0; t < T; t++) {
      const xw = vm(X[t], P[name("W_xh", l)]);
      const hw = vm(hp, P[name("W_hh", l)]);
      const a = add(xw, hw, b("h"));
      hp = a.map(ACT[activation]);
      v.xw.push(xw);
      v.hw.push(hw);
      v.a.push(a);
      v.h.push(hp);
    }
    return v;
  }
  const v = { z_i: [], z_f: [], z_c: [], z_o: [], i: [], f: [], c_tilde: [], o: [], c: [], tanh_c: [], h: [] };
  let hp = h0;
  let cp = c0;
  for (let t = 0; t < T; t++) {
    const z = {};
    for (const g of LSTM_GATES) z[g] = add(vm(X[t], P[name(`W_x${g}`, l)]), vm(hp, P[name(`W_h${g}`, l)]), b(g));
    const i = z.i.map(sig),
      f = z.f.map(sig),
      ct = z.c.map(Math.tanh),
      o = z.o.map(sig);
    const c = add(mul(f, cp), mul(i, ct));
    const tc = c.map(Math.tanh);
    hp = mul(o, tc);
    cp = c;
    Object.entries({ z_i: z.i, z_f: z.f, z_c: z.c, z_o: z.o, i, f, c_tilde: ct, o, c, tanh_c: tc, h: hp }).forEach(([k, x]) =>
      v[k].push(x),
    );
  }
  return v;
}

/** Backward through one layer; DHin (T, h) arrives from above. Returns every per-step term. */
function backwardLayer(cell, V, X, h0, c0, P, l, activation, DHin, truncate) {
  const T = X.length;
  const n = h0.length;
  /** @type {any} */
  const out = { dh: [], direct: DHin, future: [], dpre: {}, dc: null, steps: {}, DX: [], dh0: null };
  const Hprev = (t) => (t === 0 ? h0 : V.h[t - 1]);
  let dnext = zeros(n);
  if (cell === "rnn") {
    const DA = [];
    for (let t = T - 1; t >= 0; t--) {
      out.future[t] = dnext;
      const dh = add(DHin[t], dnext);
      const da = dh.map((d, j) => d * DACT[activation](V.a[t][j], V.h[t][j]));
      out.dh[t] = dh;
      DA[t] = da;
      dnext = cutAt(t, truncate) ? zeros(n) : vmT(da, P[name("W_hh", l)]);
    }
    out.dpre.a = DA;
    out.steps[name("W_xh", l)] = DA.map((da, t) => outer(X[t], da));
    out.steps[name("W_hh", l)] = DA.map((da, t) => outer(Hprev(t), da));
    if (P[name("b_h", l)]) out.steps[name("b_h", l)] = DA;
    out.DX = DA.map((da) => vmT(da, P[name("W_xh", l)]));
    out.dh0 = dnext;
    return out;
  }
  /** @type {Record<string, number[][]>} */
  const DZ = { i: [], f: [], c: [], o: [] };
  /** @type {number[][]} */
  const DC = [];
  let dcnext = zeros(n);
  for (let t = T - 1; t >= 0; t--) {
    out.future[t] = dnext;
    const dh = add(DHin[t], dnext);
    const cp = t === 0 ? c0 : V.c[t - 1];
    const dc = dh.map((d, j) => d * V.o[t][j] * (1 - V.tanh_c[t][j] ** 2) + dcnext[j]);
    const i = V.i[t],
      f = V.f[t],
      g = V.c_tilde[t],
      o = V.o[t];
    DZ.i[t] = dc.map((d, j) => d * g[j] * i[j] * (1 - i[j]));
    DZ.f[t] = dc.map((d, j) => d * cp[j] * f[j] * (1 - f[j]));
    DZ.c[t] = dc.map((d, j) => d * i[j] * (1 - g[j] ** 2));
    DZ.o[t] = dh.map((d, j) => d * V.tanh_c[t][j] * o[j] * (1 - o[j]));
    out.dh[t] = dh;
    DC[t] = dc;
    if (cutAt(t, truncate)) {
      dnext = zeros(n);
      dcnext = zeros(n);
    } else {
      dnext = add(...LSTM_GATES.map((gg) => vmT(DZ[gg][t], P[name(`W_h${gg}`, l)])));
      dcnext = mul(dc, f);
    }
  }
  out.dc = DC;
  for (const g of LSTM_GATES) {
    out.dpre[`z_${g}`] = DZ[g];
    out.steps[name(`W_x${g}`, l)] = DZ[g].map((dz, t) => outer(X[t], dz));
    out.steps[name(`W_h${g}`, l)] = DZ[g].map((dz, t) => outer(Hprev(t), dz));
    if (P[name(`b_${g}`, l)]) out.steps[name(`b_${g}`, l)] = DZ[g];
  }
  out.DX = X.map((_, t) => add(...LSTM_GATES.map((g) => vmT(DZ[g][t], P[name(`W_x${g}`, l)]))));
  out.dh0 = dnext;
  return out;
}

function spectralNorm(M) {
  let v = M[0].map(() => 1);
  let s = 0;
  for (let k = 0; k < 60; k++) {
    const u = M.map((row) => row.reduce((a, x, j) => a + x * v[j], 0));
    const w = M[0].map((_, j) => M.reduce((a, row, i) => a + row[j] * u[i], 0));
    s = Math.sqrt(Math.sqrt(w.reduce((a, x) => a + x * x, 0)));
    const nw = Math.sqrt(w.reduce((a, x) => a + x * x, 0)) || 1;
    v = w.map((x) => x / nw);
  }
  return s;
}

const sumSteps = (steps) =>
  steps.reduce((acc, m) => (Array.isArray(m[0]) ? acc.map((r, i) => r.map((x, j) => x + m[i][j])) : acc.map((x, i) => x + m[i])));
const scaleAll = (v, k) => (Array.isArray(v) ? v.map((x) => scaleAll(x, k)) : v * k);
const sq = (v) => (Array.isArray(v) ? v.reduce((s, x) => s + sq(x), 0) : v * v);

/** The whole trace, with grads when targets are set, in the protocol's format. */
export function fakeTrace(st) {
  const { spec, params: P, inputs, h0 } = st;
  const cell = spec.cell;
  if (cell !== "rnn" && cell !== "lstm") return null;
  const T = inputs.length;
  const L = spec.hidden_sizes.length;
  const c0s = st.c0 ?? h0.map((h) => zeros(h.length));
  const xs = [];
  /** @type {any[]} */
  const layers = [];
  let below = inputs;
  for (let l = 0; l < L; l++) {
    xs.push(below);
    const values = forwardLayer(cell, below, h0[l], c0s[l], P, l, spec.activation);
    layers.push({ size: spec.hidden_sizes[l], h0: h0[l], c0: cell === "lstm" ? c0s[l] : null, values });
    below = values.h;
  }
  const out = spec.output_size;
  const yPre = out ? below.map((h) => add(vm(h, P.W_hy), P.b_y ?? zeros(out))) : null;
  const y = yPre;
  const scored = inputs.map((_, t) => spec.mode !== "many-to-one" || t === T - 1);
  /** @type {any} */
  const trace = {
    T,
    cell,
    activation: spec.activation,
    x: inputs,
    input_mask: inputs.map(() => true),
    scored,
    layers,
    y_pre: yPre,
    y,
    p: null,
    targets: st.targets ?? null,
    loss: null,
    loss_steps: null,
    grads: null,
  };
  if (!st.targets || !y) return trace;
  const nScored = scored.filter(Boolean).length;
  const mse = spec.loss === "mse";
  const diff = y.map((row, t) => row.map((v, i) => (scored[t] ? v - st.targets[t][i] : 0)));
  const lossSteps = diff.map((row, t) => (scored[t] ? row.reduce((s, d) => s + d * d, 0) * (mse ? 1 / (nScored * out) : 0.5) : 0));
  trace.loss = lossSteps.reduce((a, b) => a + b, 0);
  trace.loss_steps = lossSteps;
  const dy = diff.map((row) => row.map((d) => (mse ? (2 * d) / (nScored * out) : d)));
  const { clip_norm: clip = null, truncate = null } = st.bptt || {};
  const steps = { W_hy: dy.map((d, t) => outer(below[t], d)) };
  if (P.b_y) steps.b_y = dy;
  let DH = dy.map((d) => vmT(d, P.W_hy));
  const per = [];
  for (let l = L - 1; l >= 0; l--) {
    per[l] = backwardLayer(cell, layers[l].values, xs[l], h0[l], c0s[l], P, l, spec.activation, DH, truncate);
    Object.assign(steps, per[l].steps);
    DH = per[l].DX;
  }
  const totals = Object.fromEntries(Object.keys(P).map((k) => [k, sumSteps(steps[k])]));
  const norm = Math.sqrt(Object.values(totals).reduce((s, v) => s + sq(v), 0));
  const scale = clip ? Math.min(1, clip / (norm + 1e-6)) : 1;
  const jac = layers.map((ly, l) => {
    const n = ly.size;
    const rows = Array.from({ length: n }, (_, s) => {
      const seed = Array.from({ length: T }, (_, t) => (t === T - 1 ? zeros(n).map((_, j) => (j === s ? 1 : 0)) : zeros(n)));
      const b = backwardLayer(cell, ly.values, xs[l], h0[l], c0s[l], P, l, spec.activation, seed, null);
      return [b.dh0, ...b.dh];
    });
    return Array.from({ length: T + 1 }, (_, k) => spectralNorm(rows.map((r) => r[k])));
  });
  trace.grads = {
    params: Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, scaleAll(v, scale)])),
    per_step: Object.fromEntries(Object.keys(P).map((k) => [k, scaleAll(steps[k], scale)])),
    dh: per.map((p) => p.dh),
    dh_direct: per.map((p) => p.direct),
    dh_future: per.map((p) => p.future),
    dpre: per.map((p) => p.dpre),
    dc: per.map((p) => p.dc),
    dy,
    jacobian_norms: jac,
    norm,
    scale,
    truncate,
  };
  return trace;
}
