// The formula panel's content for one step, as tokens: the equation in the chosen convention,
// then the same with the numbers plugged in, every value taken from the trace. Pure.
//
// Result: {step, blocks: [{key, lhs: Token[], rows: Token[][]}]}, each row one "= ..." line.
// Token: {t: "sym", base, sub, sup, ref?} | {t: "vec", values, ref?, hidden?, src?} | {t: "op", text}
//      src: where the vector lives in the trace ({path, row}: entry j is path[row][j]), for an
//      exercise's answer slots
//      | {t: "fn", text} | {t: "mat", rows} (a small matrix written out, for seed 004's W [h, x])
// Gates (LSTM, GRU r and z) are written in the separate-matrices form and, with gateForm
// "both" or "concat", also in seed 004's concatenated form.
import { paramSymbol, stateBase, layerName } from "./names.js";
import { ref } from "./refs.js";
import { actName } from "./slides.js";

const op = (text) => ({ t: "op", text });
const fn = (text) => ({ t: "fn", text });
/** @param {any} values @param {string} [r] @param {boolean} [hidden] @param {{path: (string | number)[], row: number}} [src] */
const vec = (values, r = undefined, hidden = false, src = undefined) => ({
  t: "vec",
  values: hidden ? (values ?? []).map(() => null) : (values ?? []),
  ref: r,
  hidden,
  src,
});
const wrap = (name, inner) => (name ? [fn(name), op("("), ...inner, op(")")] : inner);
const join = (parts, sep = "+") => parts.flatMap((p, i) => (i === 0 ? p : [op(sep), ...p]));

/**
 * @param {object} trace
 * @param {{t: number, convention?: string, displayNames?: Record<string, string>, params?: Record<string, any>, spec?: Partial<import("./protocol.js").Spec>,
 *          vis?: {h: Function, y: Function}, gateForm?: "both" | "separate" | "concat" | string, vocab?: string[]}} opts  t is the 0-based step;
 *          vocab (text mode) adds the one-hot blocks of oneHotBlocks
 */
export function stepFormula(trace, opts) {
  const { t, convention = "row", displayNames = {}, params = {}, spec = {}, vis, gateForm = "both" } = opts;
  if (!trace?.layers || t < 0 || t >= trace.T) return { step: t, blocks: [] };
  const col = convention === "column";
  const names = displayNames || {};
  const seen = vis ?? { h: () => true, y: () => true };
  const has = (name) => Object.hasOwn(params || {}, name);

  const paramSym = (name) => ({ t: "sym", ...paramSymbol(name, convention, names), ref: ref.p(name) });
  const stateSym = (kind, layerIndex, step, valueRef) => ({
    t: "sym",
    base: stateBase(kind, layerIndex, names),
    sub: String(step),
    sup: "",
    ref: valueRef,
  });
  // "W v" in the column view, "v W" in the row view
  const times = (w, v) => (col ? [w, v] : [v, w]);

  const blocks = [];
  trace.layers.forEach((layer, l) => {
    const values = layer.values;
    const shown = seen.h(l, t);
    const prevShown = seen.h(l, t - 1);
    const inRef = l === 0 ? ref.x(t) : ref.h(l - 1, t);
    const inSym = l === 0 ? stateSym("x", 0, t + 1, inRef) : stateSym("h", l - 1, t + 1, inRef);
    const inVal = l === 0 ? trace.x[t] : trace.layers[l - 1].values.h[t];
    const inShown = l === 0 ? true : seen.h(l - 1, t);
    const prevSym = stateSym("h", l, t, ref.h(l, t - 1));
    const prevVal = t === 0 ? layer.h0 : values.h[t - 1];
    const hSym = stateSym("h", l, t + 1, ref.h(l, t));
    const at = (key, step = t, layerIndex = l) => ({ path: ["layers", layerIndex, "values", key], row: step });
    const vIn = vec(inVal, inRef, !inShown, l === 0 ? undefined : at("h", t, l - 1));
    const vPrev = vec(prevVal, ref.h(l, t - 1), !prevShown, t === 0 ? undefined : at("h", t - 1));
    const out = (arr, key) => vec(arr, undefined, !shown, key ? at(key) : undefined);
    // one-to-many after step 1 and encoder-decoder's decoder steps read no input: the x term is left out
    const none = l === 0 && trace.input_mask?.[t] === false;
    if (none) blocks.push({ key: "noinput", lhs: [inSym], rows: [[fn("no input at this step: the input term is left out")]] });

    // The affine part for a gate g: x W_xg + h W_hg + b_g (or W_gx x + ... in the column view)
    const affine = (g, symbolic) => {
      const wx = layerName(`W_x${g}`, l);
      const wh = layerName(`W_h${g}`, l);
      const b = layerName(`b_${g}`, l);
      const xi = symbolic ? inSym : vIn;
      const hp = symbolic ? prevSym : vPrev;
      const parts = none
        ? [times(paramSym(wh), hp)]
        : col
          ? [times(paramSym(wh), hp), times(paramSym(wx), xi)]
          : [times(paramSym(wx), xi), times(paramSym(wh), hp)];
      if (has(b)) parts.push(symbolic ? [paramSym(b)] : [vec(params[b], ref.p(b))]);
      return join(parts);
    };

    // Seed 004's concatenated form: W_g [h_{t-1}, x_t] + b_g with W_g = [W_hg^T | W_xg^T]
    // (column form in either view). The matrix is the parameters laid side by side: layout only.
    const concat = (g, symbolic) => {
      const wx = layerName(`W_x${g}`, l);
      const wh = layerName(`W_h${g}`, l);
      const b = layerName(`b_${g}`, l);
      if (!has(wx) || !has(wh)) return null;
      const concatW = { t: "sym", base: "W", sub: g, sup: l > 0 ? `(${l + 1})` : "" };
      const bias = has(b) ? [op("+"), symbolic ? paramSym(b) : vec(params[b], ref.p(b))] : [];
      if (symbolic) return [concatW, op("["), prevSym, op(","), inSym, op("]"), ...bias];
      const rows = params[wh][0].map((_, r) => [...params[wh].map((row) => row[r]), ...params[wx].map((row) => row[r])]);
      const hx = vec([...(prevVal ?? []), ...(inVal ?? [])], undefined, !prevShown || !inShown);
      return [{ t: "mat", rows, ref: undefined }, hx, ...bias];
    };
    const gateRows = (g, fname, z) => {
      const rows = [];
      if (gateForm !== "concat") rows.push(wrap(fname, affine(g, true)), wrap(fname, affine(g, false)));
      if (!none && gateForm !== "separate" && concat(g, true)) rows.push(wrap(fname, concat(g, true)), wrap(fname, concat(g, false)));
      rows.push(wrap(fname, [out(values[z][t], z)]));
      return rows;
    };
    const concatNote = (gates) => {
      if (gateForm === "separate" || none) return;
      const transposedSym = (name) => (col ? paramSym(name) : { ...paramSym(name), sup: `${paramSym(name).sup}T` });
      const g0 = gates[0];
      if (!has(layerName(`W_x${g0}`, l))) return;
      blocks.push({
        key: `concat:${l}`,
        lhs: [{ t: "sym", base: "W", sub: "g", sup: l > 0 ? `(${l + 1})` : "" }],
        rows: [
          [
            op("["),
            transposedSym(layerName("W_hg", l)),
            op("|"),
            transposedSym(layerName("W_xg", l)),
            op("]"),
            fn(`for g = ${gates.join(", ")}`),
          ],
        ],
      });
    };

    if (trace.cell === "lstm") {
      const cellSym = (step) => ({ t: "sym", base: stateBase("c", l, names), sub: String(step), sup: "" });
      concatNote(["i", "f", "c", "o"]);
      const gate = (g, base, fname, z, val) =>
        blocks.push({
          key: `${g}:${l}`,
          lhs: [{ t: "sym", base, sub: String(t + 1), sup: l > 0 ? stateBase("", l, {}) : "" }],
          rows: [...gateRows(g, fname, z), [out(values[val][t], val)]],
        });
      gate("i", "i", "\u03c3", "z_i", "i");
      gate("f", "f", "\u03c3", "z_f", "f");
      gate("c", "c\u0303", "tanh", "z_c", "c_tilde");
      gate("o", "o", "\u03c3", "z_o", "o");
      const cPrev = t === 0 ? (layer.c0 ?? layer.h0.map(() => 0)) : values.c[t - 1];
      const gateSym = (base) => ({ t: "sym", base, sub: String(t + 1), sup: "" });
      blocks.push({
        key: `c:${l}`,
        lhs: [cellSym(t + 1)],
        rows: [
          [gateSym("f"), op("\u2299"), cellSym(t), op("+"), gateSym("i"), op("\u2299"), gateSym("c\u0303")],
          [
            out(values.f[t], "f"),
            op("\u2299"),
            vec(cPrev, undefined, !prevShown, t === 0 ? undefined : at("c", t - 1)),
            op("+"),
            out(values.i[t], "i"),
            op("\u2299"),
            out(values.c_tilde[t], "c_tilde"),
          ],
          [out(values.c[t], "c")],
        ],
      });
      blocks.push({
        key: `h:${l}`,
        lhs: [hSym],
        rows: [
          [gateSym("o"), op("\u2299"), fn("tanh"), op("("), cellSym(t + 1), op(")")],
          [out(values.o[t], "o"), op("\u2299"), out(values.tanh_c[t], "tanh_c")],
          [vec(values.h[t], ref.h(l, t), !shown, at("h"))],
        ],
      });
    } else if (trace.cell === "gru") {
      const gateSym = (base) => ({ t: "sym", base, sub: String(t + 1), sup: "" });
      concatNote(["r", "z"]);
      blocks.push({ key: `r:${l}`, lhs: [gateSym("r")], rows: [...gateRows("r", "\u03c3", "z_r"), [out(values.r[t], "r")]] });
      blocks.push({ key: `z:${l}`, lhs: [gateSym("z")], rows: [...gateRows("z", "\u03c3", "z_z"), [out(values.z[t], "z")]] });
      const torch = (spec?.gru_variant ?? "torch") !== "cho";
      const wxn = layerName("W_xn", l);
      const whn = layerName("W_hn", l);
      const bn = layerName("b_n", l);
      const bhn = layerName("b_hn", l);
      const xPart = join([...(none ? [] : [times(paramSym(wxn), inSym)]), ...(has(bn) ? [[paramSym(bn)]] : [])]);
      let hPart;
      if (torch) {
        const inner = join([times(paramSym(whn), prevSym), ...(has(bhn) ? [[paramSym(bhn)]] : [])]);
        hPart = [gateSym("r"), op("\u2299"), op("("), ...inner, op(")")];
      } else {
        const rh = [op("("), gateSym("r"), op("\u2299"), prevSym, op(")")];
        hPart = col ? [paramSym(whn), ...rh] : [...rh, paramSym(whn)];
      }
      const numeric = torch
        ? [out(values.n_x[t], "n_x"), op("+"), out(values.r[t], "r"), op("\u2299"), out(values.n_h[t], "n_h")]
        : [out(values.n_x[t], "n_x"), op("+"), out(values.n_h[t], "n_h")];
      blocks.push({
        key: `n:${l}`,
        lhs: [gateSym("n")],
        rows: [
          wrap("tanh", xPart.length ? [...xPart, op("+"), ...hPart] : hPart),
          wrap("tanh", numeric),
          wrap("tanh", [out(values.z_n[t], "z_n")]),
          [out(values.n[t], "n")],
        ],
      });
      blocks.push({
        key: `h:${l}`,
        lhs: [hSym],
        rows: [
          [op("("), op("1"), op("\u2212"), gateSym("z"), op(")"), op("\u2299"), gateSym("n"), op("+"), gateSym("z"), op("\u2299"), prevSym],
          [
            op("("),
            op("1"),
            op("\u2212"),
            out(values.z[t], "z"),
            op(")"),
            op("\u2299"),
            out(values.n[t], "n"),
            op("+"),
            out(values.z[t], "z"),
            op("\u2299"),
            vPrev,
          ],
          [vec(values.h[t], ref.h(l, t), !shown, at("h"))],
        ],
      });
    } else {
      const act = trace.activation === "identity" ? "" : actName(trace.activation);
      const b = layerName("b_h", l);
      const wx = layerName("W_xh", l);
      const wh = layerName("W_hh", l);
      const bias = has(b) ? [[vec(params[b], ref.p(b))]] : [];
      const plugged = none
        ? [times(paramSym(wh), vPrev), ...bias]
        : col
          ? [times(paramSym(wh), vPrev), times(paramSym(wx), vIn), ...bias]
          : [times(paramSym(wx), vIn), times(paramSym(wh), vPrev), ...bias];
      const terms = none
        ? [[out(values.hw[t], "hw")], ...bias]
        : col
          ? [[out(values.hw[t], "hw")], [out(values.xw[t], "xw")], ...bias]
          : [[out(values.xw[t], "xw")], [out(values.hw[t], "hw")], ...bias];
      const rows = [wrap(act, affine("h", true)), wrap(act, join(plugged))];
      if (terms.length > 1 || !act) rows.push(wrap(act, join(terms))); // one term: the next line says it
      if (act) rows.push(wrap(act, [out(values.a[t], "a")]));
      rows.push([vec(values.h[t], ref.h(l, t), !shown, at("h"))]);
      blocks.push({ key: `h:${l}`, lhs: [hSym], rows });
    }
  });

  if (Array.isArray(trace.y) && (trace.scored?.[t] ?? true)) {
    const top = trace.layers.length - 1;
    const shown = seen.y(t);
    const hRef = ref.h(top, t);
    const hSym = stateSym("h", top, t + 1, hRef);
    const hVal = vec(trace.layers[top].values.h[t], hRef, !seen.h(top, t), { path: ["layers", top, "values", "h"], row: t });
    const bias = has("b_y") ? [vec(params.b_y, ref.p("b_y"))] : [];
    const biasSym = has("b_y") ? [op("+"), paramSym("b_y")] : [];
    const biasVal = bias.length ? [op("+"), ...bias] : [];
    const oa = spec?.output_activation && spec.output_activation !== "identity" ? actName(spec.output_activation) : "";
    const rows = [wrap(oa, [...times(paramSym("W_hy"), hSym), ...biasSym]), wrap(oa, [...times(paramSym("W_hy"), hVal), ...biasVal])];
    // φ(pre) before the value; without an output activation the sum is y itself (no repeated line)
    if (oa) rows.push(wrap(oa, [vec(trace.y_pre[t], undefined, !shown)]));
    rows.push([vec(trace.y[t], ref.y(t), !shown, { path: ["y"], row: t })]);
    blocks.push({ key: "y", lhs: [stateSym("y", 0, t + 1, ref.y(t))], rows });
  }
  if (opts.vocab?.length) blocks.unshift(...oneHotBlocks(trace, opts));
  return { step: t, blocks };
}

/**
 * Text mode (docs/protocol.md, "Text"): x_t is the one-hot row of its token, so x_t W_xh is the
 * row of W_xh that token selects (in the column view, B x_t is that column of B). Blocks put
 * before the step's own; none when x_t is not a one-hot row. Pure layout: the row is copied from
 * the parameter, no arithmetic.
 * @param {any} trace
 * @param {{t: number, vocab?: string[], convention?: string, displayNames?: Record<string, string>, params?: Record<string, any>}} opts
 */
export function oneHotBlocks(trace, { t, vocab = [], convention = "row", displayNames = {}, params = {} }) {
  const row = trace?.x?.[t];
  if (!Array.isArray(row) || row.length !== vocab.length) return [];
  const i = row.indexOf(1);
  if (i < 0 || row.some((v, j) => v !== (j === i ? 1 : 0))) return [];
  const col = convention === "column";
  const token = vocab[i].replace(/ /g, "\u2423").replace(/\n/g, "\u21b5");
  const xSym = { t: "sym", base: stateBase("x", 0, displayNames || {}), sub: String(t + 1), sup: "", ref: ref.x(t) };
  const blocks = [{ key: "onehot", lhs: [xSym], rows: [[fn(`one-hot(\u201c${token}\u201d)`)], [vec(row, ref.x(t))]] }];
  const gates = { rnn: ["h"], lstm: ["i", "f", "c", "o"], gru: ["r", "z", "n"] }[/** @type {"rnn" | "lstm" | "gru"} */ (trace.cell)] ?? [];
  for (const g of gates) {
    const name = `W_x${g}`;
    const W = params?.[name];
    if (!Array.isArray(W?.[i])) continue;
    const wSym = { t: "sym", ...paramSymbol(name, convention, displayNames || {}), ref: ref.p(name) };
    blocks.push({
      key: `onehot:${g}`,
      lhs: col ? [wSym, xSym] : [xSym, wSym],
      rows: [[fn(`${col ? "column" : "row"} ${i + 1} of`), wSym], [vec(W[i], ref.p(name))]],
    });
  }
  return blocks;
}

/** Plain text of a token list (for tests, aria labels and copying). */
export function tokensText(tokens, format) {
  return tokens
    .map((tok) => {
      if (tok.t === "sym") return tok.text ?? tok.base + (tok.sub ?? "") + (tok.sup ?? "");
      if (tok.t === "vec") return `[${tok.values.map((v) => (v === null ? "_" : format(v))).join(", ")}]`;
      if (tok.t === "mat") return `[${tok.rows.map((row) => row.map(format).join(" ")).join("; ")}]`;
      return tok.text;
    })
    .reduce((acc, s, i, all) => {
      if (i === 0) return s;
      const prev = all[i - 1];
      const tight =
        s === ")" || s === "]" || s === "," || prev === "(" || prev === "[" || (s === "(" && /[a-zA-Z\u03c3\u2032]$/.test(prev));
      return acc + (tight ? "" : " ") + s;
    }, "");
}
