// Large number arrays in the trace arrive as binary buffers (see docs/protocol.md, "Packed
// arrays"): {"$packed": shape, "data": DataView of little-endian float64}. `unpack` turns them
// back into nested arrays once per trace, so the rest of the view reads plain numbers. A NaN in a
// packed array is a number an exercise keeps from the page (docs/protocol.md, "What the page gets
// while a blank is open"): it becomes null, as it is in JSON. Pure.

/** @param {DataView} view @param {number[]} shape */
function nested(view, shape) {
  let i = 0;
  const build = (dim) => {
    const n = shape[dim];
    const out = new Array(n);
    if (dim === shape.length - 1) {
      for (let k = 0; k < n; k++, i++) {
        const v = view.getFloat64(i * 8, true);
        out[k] = Number.isNaN(v) ? null : v; // removed by an exercise
      }
    } else {
      for (let k = 0; k < n; k++) out[k] = build(dim + 1);
    }
    return out;
  };
  return shape.length ? build(0) : [];
}

function isPacked(v) {
  return v !== null && typeof v === "object" && Array.isArray(v.$packed) && v.data && typeof v.data.getFloat64 === "function";
}

/** A copy of `value` with every packed array replaced by nested arrays (other values shared). */
export function unpack(value) {
  if (isPacked(value)) return nested(value.data, value.$packed);
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const u = unpack(v);
      if (u !== v) changed = true;
      return u;
    });
    return changed ? out : value;
  }
  if (value !== null && typeof value === "object" && !(value instanceof DataView)) {
    let changed = false;
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = unpack(v);
      if (out[k] !== v) changed = true;
    }
    return changed ? out : value;
  }
  return value;
}

/** `unpack`, remembered per raw value, so that a trace is decoded once however often it is read. */
export function unpacker() {
  const seen = new WeakMap();
  return (raw) => {
    if (raw === null || typeof raw !== "object") return raw;
    if (!seen.has(raw)) seen.set(raw, unpack(raw));
    return seen.get(raw);
  };
}
