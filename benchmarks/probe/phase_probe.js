// The widget's own front end (js/widget.js) with timing marks around it, for
// benchmarks/bench_phases.py. Bundled at run time by esbuild (which aliases rnnw-widget to
// js/widget.js and rnnw-packed to js/**/packed.js) into a temporary file that a subclass of
// RNNWidget uses as its _esm; nothing here changes what the view does. Marks
// (performance.now()) land in globalThis.__rnnwProbe:
//   sends:   [id, t] when the view hands an edit message to model.send
//   changes: [t] when the model fires change:trace (ipywidgets has deserialised the new state)
//   acks:    [id, t] when the ack of an edit arrives (msg:custom)
//   blobs:   [kernel epoch ms, t] for bench_phases' transport reference (a custom message with a buffer)
// Our listeners are registered before the view's, so they run first.
import widget from "rnnw-widget";
import { unpack } from "rnnw-packed";

const probe = (globalThis.__rnnwProbe ||= { sends: [], changes: [], acks: [], models: [] });

/** Median ms of decoding the current trace of view `i` afresh (js/packed.js), `n` times. */
probe.decode = (i = 0, n = 20) => {
  const raw = probe.models[i].get("trace");
  const times = [];
  for (let k = 0; k < n; k++) {
    const t0 = performance.now();
    unpack(raw);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(n / 2)];
};

export default {
  render({ model, el }) {
    probe.models.push(model);
    model.on("change:trace", () => probe.changes.push(performance.now()));
    model.on("msg:custom", (m) => {
      if (m && m.type === "ack") probe.acks.push([m.id, performance.now()]);
      if (m && m.type === "bench-blob") (probe.blobs ||= []).push([m.sent, performance.now()]);
    });
    const timed = new Proxy(model, {
      get(target, prop) {
        if (prop === "send") {
          return (msg, ...rest) => {
            if (msg && msg.type === "edit") probe.sends.push([msg.id, performance.now()]);
            return target.send(msg, ...rest);
          };
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    return widget.render({ model: timed, el });
  },
};
