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

/** Whether two DataViews hold the same bytes. */
function sameBytes(a, b) {
  if (a === b) return true;
  if (a.byteLength !== b.byteLength) return false;
  const n = a.byteLength;
  const aligned = a.byteOffset % 4 === 0 && b.byteOffset % 4 === 0 && n % 4 === 0;
  const x = aligned ? new Int32Array(a.buffer, a.byteOffset, n / 4) : new Uint8Array(a.buffer, a.byteOffset, n);
  const y = aligned ? new Int32Array(b.buffer, b.byteOffset, n / 4) : new Uint8Array(b.buffer, b.byteOffset, n);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * `unpack`, remembered per raw value, so that a trace is decoded once however often it is read.
 * A packed array whose shape and bytes equal the last one decoded at the same place (the same keys
 * from the top: "W_xi" of a new `params`) decodes to that same nested array: after an entry edit
 * only the edited parameter is a new object, so everything else is skipped by identity.
 */
export function unpacker() {
  const seen = new WeakMap();
  /** @type {Map<string, {shape: number[], data: DataView, value: unknown}>} */
  const last = new Map();
  const decode = (value, path) => {
    if (isPacked(value)) {
      const before = last.get(path);
      const shape = value.$packed;
      if (
        before &&
        before.shape.length === shape.length &&
        before.shape.every((n, i) => n === shape[i]) &&
        sameBytes(before.data, value.data)
      )
        return before.value;
      const out = nested(value.data, shape);
      last.set(path, { shape: shape.slice(), data: value.data, value: out });
      return out;
    }
    if (Array.isArray(value)) {
      let changed = false;
      const out = value.map((v, i) => {
        const u = decode(v, `${path}/${i}`);
        if (u !== v) changed = true;
        return u;
      });
      return changed ? out : value;
    }
    if (value !== null && typeof value === "object" && !(value instanceof DataView)) {
      let changed = false;
      const out = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = decode(v, `${path}/${k}`);
        if (out[k] !== v) changed = true;
      }
      return changed ? out : value;
    }
    return value;
  };
  return (raw) => {
    if (raw === null || typeof raw !== "object") return raw;
    if (!seen.has(raw)) seen.set(raw, decode(raw, ""));
    return seen.get(raw);
  };
}
