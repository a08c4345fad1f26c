// The compact diagram for large networks: the coloured cells, gate strips and arrows drawn on
// one <canvas> (only the columns in view: the canvas is as wide as the scroll box and follows
// its scroll), under a light SVG overlay that keeps what people and tests use: a focusable
// node per vector with data-ref, data-step, data-value and an aria label, the step columns, the
// row names and token labels. One tooltip element shows the number under the pointer.
import { svg, h } from "./dom.js";
import { formatNumber, formatVectorShort } from "../data/format.js";
import { stateBase } from "../data/names.js";
import { barGeometry } from "../data/gates.js";
import { backwardArrows, norm2 } from "../data/bptt.js";
import { nodeState, nodeLabel, diagramContext, rowLabels, noInput, hasOutput } from "./diagram_svg.js";
import { context, sizeCanvas, themeColors, cellColor, rgb } from "./canvas.js";
import { fedBackSteps, feedbackPaths } from "../geometry/diagram_layout.js";
import { feedbackArrow } from "./diagram_pieces.js";

let feedUid = 0;

/** Which columns of x-extent [x, x + w] a viewport [left, left + width] shows. Pure. */
export function inView(x, w, left, width, margin = 40) {
  return x + w >= left - margin && x <= left + width + margin;
}

/** The unit of a vector node under a y coordinate (diagram units), or -1. Pure. */
export function unitAt(n, y, cellH) {
  const i = Math.floor((y - n.y) / cellH);
  return i >= 0 && i < n.n ? i : -1;
}

/**
 * @param {object} g layout from diagramLayout (compact)
 * @param {{labels?: string[], names?: Record<string, string>, scroller?: HTMLElement | null,
 *          slotInput?: ((slot: any, where: string) => HTMLInputElement) | null}} structure
 *   slotInput: an exercise's answer input for an open slot, laid over the canvas (at least 44 x 18 px)
 */
export function buildCompactDiagram(g, { labels = [], names = {}, scroller = null, slotInput = null } = {}) {
  const canvas = h("canvas", { class: "rnnw-cdiagram-canvas", "aria-hidden": "true" });
  const tooltip = h("div", { class: "rnnw-tooltip", role: "tooltip", hidden: true });
  const overlay = svg("svg", {
    class: "rnnw-diagram is-compact",
    width: g.width,
    height: g.height,
    viewBox: `0 0 ${g.width} ${g.height}`,
    role: "img",
    "aria-label": "Unrolled network, compact: one column per time step, values as colours; hover or focus a node for its numbers",
  });
  const el = h("div", { class: "rnnw-cdiagram", style: { width: `${g.width}px`, height: `${g.height}px` } }, [canvas, overlay, tooltip]);

  const every = g.columns.length <= 16 ? 1 : g.columns.length <= 64 ? 2 : 5;
  const cols = g.columns.map(({ t, x }) => {
    const col = svg("rect", {
      class: "rnnw-col",
      "data-step": t,
      x: x + g.cellW / 2 - g.colW / 2 - 8,
      y: 4,
      width: g.colW + 16,
      height: g.height - 8,
      rx: 6,
    });
    overlay.appendChild(col);
    if (t % every === 0 || t === g.columns.length - 1) {
      overlay.appendChild(
        svg("text", { class: "rnnw-step", "data-step": t, x: x + g.cellW / 2, y: 22, "text-anchor": "middle" }, [`${t + 1}`]),
      );
    }
    return col;
  });
  overlay.appendChild(svg("text", { class: "rnnw-step rnnw-step-head", x: 10, y: 22 }, ["t ="]));
  for (const label of rowLabels(g, names)) overlay.appendChild(label);
  const byRef = new Map();
  const parts = g.nodes.map((n) => {
    const cls =
      n.kind === "g"
        ? "rnnw-gates"
        : n.kind === "c" || n.kind === "c0"
          ? "rnnw-cnode"
          : n.kind === "dh"
            ? "rnnw-dhnode"
            : ["rnnw-node", `rnnw-node-${n.kind}`];
    const w = n.kind === "g" ? n.block.w : n.w;
    const node = svg(
      "g",
      {
        class: cls,
        "data-ref": n.ref,
        "data-step": n.t >= 0 ? n.t : undefined,
        tabindex: n.kind === "g" ? undefined : 0,
      },
      [
        svg("rect", {
          class: n.kind === "g" ? "rnnw-gates-hit" : "rnnw-vframe",
          x: n.x,
          y: n.y,
          width: w,
          height: n.kind === "g" ? n.block.h : n.h,
          rx: 2,
        }),
      ],
    );
    overlay.appendChild(node);
    const part = { n, el: node, st: null, lastJson: null, slots: new Map() };
    byRef.set(n.ref, part);
    return part;
  });
  /** token labels by step: hidden at a step that takes no input (its label would name an unread input) */
  const tokenEls = new Map();
  g.columns.forEach(({ t, center }) => {
    const label = labels?.[t];
    if (label === undefined || label === null || label === "" || (t % every !== 0 && String(label).length > 3)) return;
    const text = String(label);
    const el2 = svg("text", { class: "rnnw-label", x: center, y: g.labelY, "text-anchor": "middle", "data-step": t }, [
      text.length > 6 ? `${text.slice(0, 5)}\u2026` : text,
      svg("title", {}, [text]),
    ]);
    overlay.appendChild(el2);
    tokenEls.set(t, el2);
  });

  // a sampling run's feedback arrows (y_t -> x_{t+1}), on the overlay: a dashed path, the token in
  // its tooltip (the step labels under x already name it; the gaps are too narrow for a label)
  const feedId = `rnnw-cfeed-${++feedUid}`;
  overlay.appendChild(
    svg("defs", {}, [
      svg(
        "marker",
        {
          id: feedId,
          viewBox: "0 0 10 10",
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          markerUnits: "userSpaceOnUse",
          orient: "auto-start-reverse",
        },
        [svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "rnnw-feed-head" })],
      ),
    ]),
  );
  const feedLayer = overlay.appendChild(svg("g", { class: "rnnw-feed-layer" }));

  let data = null;
  let ctxData = null;
  let view = { left: 0, width: Math.min(g.width, 1600) };
  let frame = 0;

  function update(next) {
    data = next;
    const { trace, vis, focusStep = -1, showGrads = false, bpttStep = -1 } = next;
    ctxData = diagramContext({ trace, vis, names, showGrads, bpttStep, homework: next.homework ?? null });
    cols.forEach((col, t) => col.classList.toggle("is-focus", t === focusStep));
    for (const [t, el2] of tokenEls) {
      if (noInput(trace, t)) el2.setAttribute("display", "none");
      else el2.removeAttribute("display");
    }
    for (const p of parts) {
      if (p.n.kind === "g") {
        const shown = vis.h(p.n.layer, p.n.t);
        p.el.classList.toggle("is-hidden", !shown);
        p.el.setAttribute("aria-label", `gates of ${stateBase("h", p.n.layer, names)}${p.n.t + 1}`);
        continue;
      }
      const st = nodeState(p.n, ctxData);
      p.st = st;
      const { label } = nodeLabel(st, { short: true });
      p.el.setAttribute("aria-label", label);
      for (const [k, on] of Object.entries(st.classes)) p.el.classList.toggle(k, Boolean(on));
      const json = st.shown ? JSON.stringify(st.values) : "null";
      if (json !== p.lastJson) p.el.setAttribute("data-value", json);
      p.lastJson = json;
      placeSlots(p, st);
    }
    draw();
    if (shownTip) showTip(shownTip.part, shownTip.y);
    const fed = feedbackPaths(g, fedBackSteps(next.sampled, trace.T)).filter((f) => vis.y(f.t));
    while (feedLayer.firstChild) feedLayer.removeChild(feedLayer.firstChild);
    for (const f of fed) feedLayer.appendChild(feedbackArrow(f, feedId, { pill: false }));
  }

  // An exercise's open slots: inputs over the canvas cells, kept while the slot stays open.
  function placeSlots(p, st) {
    const n = p.n;
    const cellH = n.kind === "dh" ? g.dhH : g.cellH;
    const open = new Map();
    (st.slots ?? []).forEach((slot, i) => {
      if (slotInput && (slot?.status === "open" || slot?.status === "wrong")) open.set(slot.name, i);
    });
    for (const [name, fo] of p.slots) {
      if (!open.has(name)) {
        fo.remove();
        p.slots.delete(name);
      }
    }
    for (const [name, i] of open) {
      if (p.slots.has(name) || !slotInput) continue;
      const slot = st.slots[i];
      const h2 = Math.max(18, cellH);
      const fo = svg("foreignObject", {
        class: "rnnw-answer-fo",
        x: n.x,
        y: n.y + i * cellH + cellH / 2 - h2 / 2,
        width: Math.max(44, n.w),
        height: h2,
      });
      fo.appendChild(slotInput(slot, `diagram:${n.ref}`));
      p.el.appendChild(fo);
      p.slots.set(name, fo);
    }
  }

  // Drawn when it can be seen: a diagram built before the view is in the page, or far out of
  // view (many widgets), is drawn when it comes near the viewport (its colours need the page's
  // styles, and reading them computes styles). The first draw waits for the observer's first
  // report.
  /** @type {boolean | null} */
  let onScreen = null;
  let stale = false;
  const seen =
    typeof IntersectionObserver === "function"
      ? new IntersectionObserver(
          (entries) => {
            onScreen = entries[entries.length - 1].isIntersecting;
            if (onScreen && stale) draw();
          },
          { rootMargin: "300px" },
        )
      : null;
  seen?.observe(el);

  function draw() {
    frame = 0;
    if (seen && onScreen !== true) {
      stale = true;
      return;
    }
    stale = false;
    const ctx = context(canvas);
    if (!ctx || !data) return;
    const { left, width } = view;
    const W = Math.min(width, g.width - left);
    const dpr = sizeCanvas(canvas, W, g.height);
    canvas.style.left = `${left}px`;
    ctx.setTransform(dpr, 0, 0, dpr, -left * dpr, 0);
    ctx.clearRect(left, 0, W, g.height);
    const C = themeColors(el);
    const { trace, targets } = data;
    // arrows first, faint, so the cells sit on top
    ctx.lineWidth = 1;
    ctx.strokeStyle = rgb(C.strong, 0.45);
    ctx.beginPath();
    for (const e of g.edges) {
      if (!inView(Math.min(e.x1, e.x2), Math.abs(e.x2 - e.x1), left, W)) continue;
      if (e.kind === "input" && e.from.startsWith("x:") && noInput(trace, Number(e.from.slice(2)))) continue;
      if (e.kind === "output" && !hasOutput(trace, Number(e.to.slice(2)))) continue;
      ctx.moveTo(e.x1, e.y1);
      ctx.lineTo(e.x2, e.y2);
    }
    ctx.stroke();
    for (const p of parts) {
      const n = p.n;
      if (!inView(n.x, n.kind === "g" ? n.block.w : n.w, left, W)) continue;
      if (n.kind === "g") drawGates(ctx, n, trace.layers[n.layer].values, data.vis.h(n.layer, n.t), C);
      else if (p.st?.classes?.["is-absent"]) continue;
      else drawVector(ctx, n, p.st, n.kind === "dh" ? g.dhH : g.cellH, C);
    }
    if (ctxData.grads) drawBackward(ctx, ctxData, data.bpttStep ?? -1, C, left, W);
    if (trace.loss !== null && trace.loss !== undefined && Array.isArray(targets)) {
      ctx.strokeStyle = rgb(C.dst);
      ctx.setLineDash([3, 2]);
      for (const p of parts) {
        const n = p.n;
        if (n.kind === "y" && Array.isArray(targets[n.t]) && trace.scored?.[n.t] && inView(n.x, n.w + 14, left, W))
          ctx.strokeRect(n.x + n.w + 3.5, n.y + 0.5, 9, n.h - 1);
      }
      ctx.setLineDash([]);
    }
  }

  function drawVector(ctx, n, st, cellH, C) {
    const vals = st?.values ?? [];
    for (let i = 0; i < n.n; i++) {
      const c = st?.shown ? cellColor(vals[i], st.scale, C) : null;
      ctx.fillStyle = c ? rgb(c) : rgb(C.panel);
      ctx.fillRect(n.x, n.y + i * cellH, n.w, cellH);
    }
    if (cellH >= 6) {
      ctx.strokeStyle = rgb(C.border, 0.8);
      ctx.lineWidth = 0.5;
      ctx.beginPath();
      for (let i = 1; i < n.n; i++) {
        ctx.moveTo(n.x, n.y + i * cellH);
        ctx.lineTo(n.x + n.w, n.y + i * cellH);
      }
      ctx.stroke();
    }
  }

  function drawGates(ctx, n, V, shown, C) {
    const { block } = n;
    for (const row of block.rows) {
      const values = V[row.gate.value]?.[n.t] ?? [];
      for (const c of row.cells) {
        ctx.fillStyle = rgb(C.border, 0.35);
        ctx.fillRect(n.x + c.barX, n.y + c.barY, c.barW, c.barH);
        if (!shown) continue;
        const v = values[c.unit];
        const b = barGeometry(v, { x: c.barX, w: c.barW, kind: row.gate.kind });
        const col = row.gate.kind === "candidate" ? (v >= 0 ? C.pos : C.neg) : C.muted;
        ctx.fillStyle = rgb(col, row.gate.kind === "candidate" ? 0.85 : 0.55);
        ctx.fillRect(n.x + b.x, n.y + c.barY, b.width, c.barH);
      }
    }
    ctx.fillStyle = rgb(C.muted);
    ctx.font = "10px sans-serif";
    ctx.textAlign = "center";
    for (const row of block.rows) ctx.fillText(row.gate.label, n.x + row.labelX, n.y + row.labelY);
  }

  function drawBackward(ctx, cx, bpttStep, C, left, W) {
    const grads = cx.grads;
    const all = (grads.dh_future ?? []).flat().map(norm2);
    const max = Math.max(0, ...all);
    const L = data.trace.layers.length;
    for (let l = 0; l < L; l++) {
      const dh = parts.filter((p) => p.n.kind === "dh" && p.n.layer === l).map((p) => p.n);
      for (const a of backwardArrows(grads.dh_future?.[l], { T: data.trace.T, truncate: grads.truncate ?? null, bpttStep, max })) {
        const from = dh[a.from];
        const to = dh[a.to];
        if (!from || !to || !a.visible || (!a.width && !a.cut) || !inView(to.x, from.x - to.x, left, W)) continue;
        const y = to.y + to.h / 2;
        ctx.strokeStyle = rgb(C.grad, a.cut ? 0.6 : (a.opacity ?? 1));
        ctx.lineWidth = a.cut ? 1 : Math.max(1, a.width * 0.6);
        ctx.setLineDash(a.cut ? [3, 3] : []);
        ctx.beginPath();
        ctx.moveTo(from.x - 1, y);
        ctx.lineTo(to.x + to.w + 1, y);
        ctx.stroke();
      }
    }
    ctx.setLineDash([]);
  }

  const schedule = () => {
    if (!frame && typeof requestAnimationFrame === "function") frame = requestAnimationFrame(draw);
  };

  // ---- the tooltip: one element, the number under the pointer ----
  let shownTip = null;
  function showTip(part, y) {
    const n = part.n;
    let text;
    if (n.kind === "g") {
      const V = data.trace.layers[n.layer].values;
      const shown = data.vis.h(n.layer, n.t);
      const row = n.block.rows.find((r) => r.cells.some((c) => y >= n.y + c.barY - 1 && y <= n.y + c.barY + c.barH + 1)) ?? n.block.rows[0];
      const unit = Math.max(0, Math.min(n.n - 1, Math.floor((y - n.y - (n.block.header ?? 0)) / g.cellH)));
      const gateRow = n.block.rows.map(
        (r) => `${r.gate.label}${n.t + 1}[${unit + 1}] = ${shown ? formatNumber(V[r.gate.value]?.[n.t]?.[unit], { digits: 3 }) : "?"}`,
      );
      text = [`${row.gate.title}s of ${stateBase("h", n.layer, names)}${n.t + 1}, unit ${unit + 1}`, gateRow.join("   ")];
    } else {
      const st = part.st;
      if (!st) return;
      const unit = unitAt(n, y, n.kind === "dh" ? g.dhH : g.cellH);
      const head = st.shown && unit >= 0 ? `${st.name}[${unit + 1}] = ${formatNumber(st.values[unit])}` : nodeLabel(st).label;
      text = [head, st.shown ? `${st.name} = ${formatVectorShort(st.values, { digits: 3 })}` : ""];
    }
    tooltip.textContent = "";
    text.filter(Boolean).forEach((line, i) => tooltip.appendChild(h("div", { class: i ? "rnnw-tip-sub" : "rnnw-tip-head" }, [line])));
    tooltip.hidden = false;
    const x = n.x + (n.kind === "g" ? n.block.w : n.w) + 8;
    tooltip.style.left = `${Math.min(x, g.width - 220)}px`;
    tooltip.style.top = `${Math.max(0, y - 12)}px`;
    shownTip = { part, y };
  }
  const hideTip = () => {
    tooltip.hidden = true;
    shownTip = null;
  };
  const partOf = (target) => byRef.get(target?.closest?.("[data-ref]")?.getAttribute("data-ref"));
  const onMove = (e) => {
    const part = partOf(e.target);
    if (!part || !data) return hideTip();
    const box = overlay.getBoundingClientRect();
    const y = ((e.clientY - box.top) / (box.height || g.height)) * g.height;
    showTip(part, y);
  };
  const onFocus = (e) => {
    const part = partOf(e.target);
    if (part && data) showTip(part, part.n.y + 1);
  };
  overlay.addEventListener("pointermove", onMove);
  overlay.addEventListener("pointerleave", hideTip);
  overlay.addEventListener("focusin", onFocus);
  overlay.addEventListener("focusout", hideTip);

  // ---- following the scroll box: draw only what is in view ----
  const onScroll = () => {
    const left = Math.max(0, (scroller?.scrollLeft ?? 0) - 8);
    if (Math.abs(left - view.left) < 1) return;
    view = { ...view, left };
    schedule();
  };
  let observer = null;
  if (scroller) {
    scroller.addEventListener("scroll", onScroll, { passive: true });
    if (typeof ResizeObserver === "function") {
      observer = new ResizeObserver((entries) => {
        const w = Math.ceil(entries[0]?.contentRect?.width ?? 0) + 16;
        if (w > 16 && Math.abs(w - view.width) > 1) {
          view = { left: view.left, width: w };
          schedule();
        }
      });
      observer.observe(scroller);
    }
  }
  function destroy() {
    if (frame && typeof cancelAnimationFrame === "function") cancelAnimationFrame(frame);
    frame = 0;
    seen?.disconnect();
    scroller?.removeEventListener("scroll", onScroll);
    observer?.disconnect();
    overlay.removeEventListener("pointermove", onMove);
    overlay.removeEventListener("pointerleave", hideTip);
    overlay.removeEventListener("focusin", onFocus);
    overlay.removeEventListener("focusout", hideTip);
  }
  return { el, update, destroy, overlay, draw };
}
