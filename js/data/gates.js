// Which gates a cell has, and the geometry of a gate value drawn as a number with a small
// horizontal bar (filled fraction = value in [0, 1]; a candidate in [-1, 1] grows from the middle). Pure.

/** Gate rows of a cell, in the order the formula panel shows them. `value` keys trace.values. */
export const GATES = {
  lstm: [
    { key: "i", label: "i", value: "i", pre: "z_i", kind: "gate", title: "input gate" },
    { key: "f", label: "f", value: "f", pre: "z_f", kind: "gate", title: "forget gate" },
    { key: "c", label: "c\u0303", value: "c_tilde", pre: "z_c", kind: "candidate", title: "candidate cell state" },
    { key: "o", label: "o", value: "o", pre: "z_o", kind: "gate", title: "output gate" },
  ],
  gru: [
    { key: "r", label: "r", value: "r", pre: "z_r", kind: "gate", title: "reset gate" },
    { key: "z", label: "z", value: "z", pre: "z_z", kind: "gate", title: "update gate" },
    { key: "n", label: "n", value: "n", pre: "z_n", kind: "candidate", title: "candidate state" },
  ],
};

export const gatesOf = (cell) => GATES[cell] ?? [];

/**
 * The filled part of a bar of width w starting at x.
 * A gate (kind "gate") fills from the left: value 0.73 fills 73%. A candidate (kind
 * "candidate", in [-1, 1]) grows from the middle, right for positive, left for negative.
 * Values outside the range are clamped; a non-number fills nothing.
 * @returns {{x: number, width: number, frac: number}}
 */
export function barGeometry(value, { x = 0, w = 40, kind = "gate" } = {}) {
  if (typeof value !== "number" || !Number.isFinite(value)) return { x, width: 0, frac: 0 };
  if (kind === "candidate") {
    const v = Math.max(-1, Math.min(1, value));
    const half = w / 2;
    const width = Math.abs(v) * half;
    return { x: v >= 0 ? x + half : x + half - width, width, frac: v };
  }
  const frac = Math.max(0, Math.min(1, value));
  return { x, width: frac * w, frac };
}

/** Sizes at which the gate block is a table of numbers with bars (else bars only). */
export const GATE_TABLE_MAX_UNITS = 3;

/**
 * Geometry of one step's gate block: `table` has one row per gate (label, then one number with
 * a bar per unit); `strips` (compact, or many units) has one column per gate and one thin bar per
 * unit, aligned with the hidden state's cells.
 * @returns {{style: "table"|"strips"|"none", w: number, h: number, rows: any[], header?: number}}
 *   rows: per gate {gate, y, h, labelX, labelY, cells: [{unit, x, y, w, h, barX, barY, barW, barH, textX, textY}]}
 */
export function gateBlockLayout(cell, units, { compact = false, cellH = 28 } = {}) {
  const gates = gatesOf(cell);
  if (!gates.length || units < 1) return { style: "none", w: 0, h: 0, rows: [] };
  if (!compact && units <= GATE_TABLE_MAX_UNITS) {
    const labelW = 22;
    const unitW = 54;
    const rowH = 31;
    const rows = gates.map((gate, g) => {
      const y = g * rowH;
      return {
        gate,
        y,
        h: rowH,
        labelX: labelW / 2,
        labelY: y + 11,
        cells: Array.from({ length: units }, (_, u) => {
          const x = labelW + u * unitW;
          return {
            unit: u,
            x,
            y,
            w: unitW - 6,
            h: rowH - 4,
            textX: x + (unitW - 6) / 2,
            textY: y + 11,
            barX: x + 3,
            barY: y + 20,
            barW: unitW - 12,
            barH: 6,
          };
        }),
      };
    });
    return { style: "table", w: labelW + units * unitW, h: gates.length * rowH, rows, header: 0 };
  }
  const stripW = compact ? 12 : 22;
  const gap = compact ? 3 : 5;
  const header = compact ? 12 : 16;
  const rows = gates.map((gate, g) => {
    const x = g * (stripW + gap);
    return {
      gate,
      y: 0,
      h: header + units * cellH,
      labelX: x + stripW / 2,
      labelY: header - 3,
      cells: Array.from({ length: units }, (_, u) => {
        const y = header + u * cellH;
        return { unit: u, x, y, w: stripW, h: cellH, barX: x, barY: y + 1, barW: stripW, barH: Math.max(2, cellH - 2) };
      }),
    };
  });
  return { style: "strips", w: gates.length * (stripW + gap) - gap, h: header + units * cellH, rows, header };
}
