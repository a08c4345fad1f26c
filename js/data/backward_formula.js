// The backward formula panel for one step, as tokens (same format as formula.js): the chain rule
// for dL/dh_t with the numbers from trace.grads plugged in, then the gradient at the
// pre-activation. Every number comes from the trace; nothing is computed here. Pure.
import { paramSymbol, stateBase } from "./names.js";
import { ref } from "./refs.js";
import { actName } from "./slides.js";
import { isCut } from "./bptt.js";

const op = (text) => ({ t: "op", text });
const fn = (text) => ({ t: "fn", text });
/** @param {any} values @param {string} [r] @param {{path: (string | number)[], row: number}} [src] */
const vec = (values, r = undefined, src = undefined) => ({ t: "vec", values: values ?? [], ref: r, hidden: false, src });
const d = (of, sub, sup = "") => ({ t: "sym", base: `\u2202L/\u2202${of}`, sub: String(sub), sup });
const sym = (base, sub, sup = "") => ({ t: "sym", base, sub: String(sub), sup });

/**
 * The transpose of a parameter as written in the current convention: row view W_hyᵀ (C ᵀ for a
 * display name); column view, where the page shows W_hyᵀ, its transpose is W_hy itself.
 */
export function transposedSymbol(name, convention, names = {}) {
  if (convention === "column" && !names[name]) return { t: "sym", ...paramSymbol(name, "row", {}), ref: ref.p(name) };
  const s = paramSymbol(name, convention, names);
  return { t: "sym", ...s, sup: `${s.sup}T`, text: `${s.text}\u1d40`, ref: ref.p(name) };
}

/**
 * @param {object} trace with trace.grads (protocol: "Gradients, BPTT and training")
 * @param {{t: number, convention?: string, displayNames?: Record<string, string>}} opts t is the 0-based step
 * @returns {{step: number, blocks: {key: string, lhs: object[], rows: object[][]}[]}}
 */
export function backwardFormula(trace, { t, convention = "row", displayNames = {} }) {
  const g = trace?.grads;
  if (!g || !trace.layers || t < 0 || t >= trace.T) return { step: t, blocks: [] };
  const col = convention === "column";
  const names = displayNames || {};
  const L = trace.layers.length;
  const blocks = [];
  const hasY = Array.isArray(trace.y) && Array.isArray(g.dy);
  const scored = trace.scored?.[t] ?? true;
  const s = t + 1; // steps as people number them

  if (hasY) {
    const y = stateBase("y", 0, names);
    blocks.push({
      key: "dy",
      lhs: [d(y, s)],
      rows: scored ? [[vec(g.dy[t], ref.y(t), { path: ["grads", "dy"], row: t })]] : [[op("0"), fn("(this step is not scored)")]],
    });
  }

  for (let l = L - 1; l >= 0; l--) {
    const hb = stateBase("h", l, names);
    const top = l === L - 1;
    const dh = g.dh?.[l]?.[t];
    const direct = g.dh_direct?.[l]?.[t];
    const future = g.dh_future?.[l]?.[t];
    const last = t === trace.T - 1;
    const cut = !last && isCut(t + 1, g.truncate ?? null);

    // The direct term: from y_t (top layer with a readout), the loss itself, or the layer above.
    let directSym;
    let directNum;
    if (top && hasY) {
      const why = sym(stateBase("y", 0, names), s);
      const wt = transposedSymbol("W_hy", convention, names);
      const dy = d(why.base, s);
      directSym = col ? [wt, dy] : [dy, wt];
      const dyVec = vec(g.dy[t], undefined, { path: ["grads", "dy"], row: t });
      directNum = col ? [wt, dyVec] : [dyVec, wt];
    } else if (top) {
      directSym = [d(`${hb}`, s, "loss")];
      directNum = [vec(direct)];
    } else {
      const above = stateBase("h", l + 1, names);
      directSym = [d(above, s), op("\u00b7"), sym(`\u2202${above}`, s), op("/"), sym(`\u2202${hb}`, s)];
      directNum = [vec(direct)];
    }
    const futureSym = [d(hb, s + 1), op("\u00b7"), sym(`\u2202${hb}`, s + 1), op("/"), sym(`\u2202${hb}`, s)];
    const rows = [];
    if (last) {
      rows.push(directSym);
      if (directNum.length > 1 || top) rows.push(directNum);
    } else {
      rows.push([...directSym, op("+"), ...futureSym]);
      const fut = cut ? [op("0"), fn("(cut by truncation)")] : [vec(future)];
      if (directNum.length > 1) rows.push([op("("), ...directNum, op(")"), op("+"), ...fut]);
      rows.push([vec(direct), op("+"), ...fut]);
    }
    const dhAt = { path: ["grads", "dh", l], row: t };
    rows.push([vec(dh, ref.h(l, t), dhAt)]);
    blocks.push({ key: `dh:${l}`, lhs: [d(hb, s)], rows });

    const dpre = g.dpre?.[l];
    if (!dpre) continue;
    const V = trace.layers[l].values;
    if (trace.cell === "rnn" || (!trace.cell && dpre.a)) {
      const act = actName(trace.activation);
      const prime = `${act}\u2032`;
      blocks.push({
        key: `da:${l}`,
        lhs: [d("a", s, l > 0 ? `(${l + 1})` : "")],
        rows: [
          [d(hb, s), op("\u2299"), fn(prime), op("("), sym("a", s), op(")")],
          [
            vec(dh, undefined, dhAt),
            op("\u2299"),
            fn(prime),
            op("("),
            vec(V.a?.[t], undefined, { path: ["layers", l, "values", "a"], row: t }),
            op(")"),
          ],
          [vec(dpre.a?.[t])],
        ],
      });
    } else {
      if (trace.cell === "lstm" && g.dc?.[l]) {
        const cb = stateBase("c", l, names);
        blocks.push({
          key: `dc:${l}`,
          lhs: [d(cb, s)],
          rows: [
            last
              ? [d(hb, s), op("\u2299"), sym("o", s), op("\u2299"), fn("tanh\u2032"), op("("), sym(cb, s), op(")")]
              : [
                  d(hb, s),
                  op("\u2299"),
                  sym("o", s),
                  op("\u2299"),
                  fn("tanh\u2032"),
                  op("("),
                  sym(cb, s),
                  op(")"),
                  op("+"),
                  d(cb, s + 1),
                  op("\u2299"),
                  sym("f", s + 1),
                ],
            [vec(g.dc[l][t], undefined, { path: ["grads", "dc", l], row: t })],
          ],
        });
      }
      const keys = trace.cell === "gru" ? ["z_r", "z_z", "z_n"] : ["z_i", "z_f", "z_c", "z_o"];
      for (const k of keys) {
        if (!dpre[k]) continue;
        const gate = k.slice(2) === "c" && trace.cell === "lstm" ? "c\u0303" : k.slice(2);
        blocks.push({ key: `d${k}:${l}`, lhs: [d("z", `${gate},${s}`)], rows: [[vec(dpre[k][t])]] });
      }
    }
  }
  return { step: t, blocks };
}
