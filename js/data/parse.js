// Parsing what a person types into a number cell. Pure: returns {ok, value} or {ok: false, message}.

export const LIMIT = 1e6;
const EXAMPLE = "type a finite number such as -0.5";
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function quote(s) {
  const t = s.length > 24 ? `${s.slice(0, 23)}\u2026` : s;
  return `'${t}'`;
}

/**
 * @param {string} text
 * @returns {{ok: true, value: number} | {ok: false, message: string}}
 */
export function parseNumber(text) {
  const raw = String(text ?? "");
  // Unicode minus (U+2212) and the dashes people paste from slides count as a minus sign.
  const s = raw
    .trim()
    .replace(/[\u2212\u2012\u2013\uFE63\uFF0D]/g, "-")
    .replace(/^\+/, "");
  if (s === "") return { ok: false, message: `Empty entry: ${EXAMPLE}` };
  if (/^[+-]?(nan|inf|infinity)$/i.test(s)) {
    return { ok: false, message: `${quote(raw.trim())} is not a finite number: ${EXAMPLE}` };
  }
  if (/^[+-]?\d+,\d+$/.test(s)) {
    return { ok: false, message: `${quote(raw.trim())} uses a comma: use a dot for decimals, such as ${s.replace(",", ".")}` };
  }
  if (!NUMBER.test(s)) {
    const what = /[*/^()]/.test(s) && /\d/.test(s) ? "is not a number (formulas are not evaluated)" : "is not a number";
    return { ok: false, message: `${quote(raw.trim())} ${what}: ${EXAMPLE}` };
  }
  const value = Number(s);
  if (!Number.isFinite(value)) {
    return { ok: false, message: `${quote(raw.trim())} is not a finite number: ${EXAMPLE}` };
  }
  if (Math.abs(value) > LIMIT) {
    return { ok: false, message: `${quote(raw.trim())} is too large: type a number between -1000000 and 1000000` };
  }
  return { ok: true, value: value === 0 ? 0 : value };
}
