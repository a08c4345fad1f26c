import { describe, it, expect } from "vitest";
import { unpack, unpacker } from "../data/packed.js";

function packedOf(shape, values, offset = 3) {
  // a DataView at an unaligned offset, as buffers sliced out of a websocket message can be
  const buf = new ArrayBuffer(offset + values.length * 8);
  const view = new DataView(buf, offset, values.length * 8);
  values.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return { $packed: shape, data: view };
}

describe("packed trace arrays", () => {
  it("turns a packed (2, 3) array into nested numbers, exactly", () => {
    const vals = [0.1, -2.5, 1 / 3, 1e-300, -0, 7];
    expect(unpack(packedOf([2, 3], vals))).toEqual([
      [0.1, -2.5, 1 / 3],
      [1e-300, -0, 7],
    ]);
  });
  it("handles 1-D and 3-D arrays and leaves plain values alone", () => {
    expect(unpack(packedOf([3], [1, 2, 3]))).toEqual([1, 2, 3]);
    expect(unpack(packedOf([2, 1, 2], [1, 2, 3, 4]))).toEqual([[[1, 2]], [[3, 4]]]);
    const plain = { T: 2, x: [[1], [2]], cell: "rnn", grads: null };
    expect(unpack(plain)).toBe(plain);
  });
  it("finds packed arrays anywhere in the trace", () => {
    const trace = {
      T: 1,
      layers: [{ values: { h: packedOf([1, 2], [3, 6]), a: [[3, 6]] } }],
      grads: { per_step: { W: packedOf([1, 1, 2], [1, 2]) } },
    };
    const out = unpack(trace);
    expect(out.layers[0].values.h).toEqual([[3, 6]]);
    expect(out.layers[0].values.a).toBe(trace.layers[0].values.a);
    expect(out.grads.per_step.W).toEqual([[[1, 2]]]);
  });
  it("decodes each raw trace once", () => {
    const decode = unpacker();
    const raw = { h: packedOf([2], [1, 2]) };
    expect(decode(raw)).toBe(decode(raw));
    expect(decode(null)).toBe(null);
  });
});
