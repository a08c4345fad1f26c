// Long numbers in the SVG diagram's cells (−0.0488, 3.2e−11) are squeezed to fit their cell
// (textLength) instead of spilling over its frame. Short ones, most of them, are not measured.

const ROOM = 4; // px left free inside a cell

/**
 * @param {Element} svgRoot the diagram's SVG element
 * @param {number} [minChars] texts shorter than this always fit and are skipped
 */
export function fitValues(svgRoot, minChars = 6) {
  for (const t of svgRoot.querySelectorAll("text.rnnw-vtext")) {
    const text = /** @type {SVGTextElement} */ (t);
    const had = text.hasAttribute("textLength");
    if ((text.textContent || "").length < minChars) {
      if (had) text.removeAttribute("textLength");
      continue;
    }
    // a value's text sits right after its cell (diagram_pieces.js vectorNode)
    const cell = text.previousElementSibling;
    if (!cell?.classList.contains("rnnw-vcell") || typeof text.getComputedTextLength !== "function") continue;
    const room = Number(cell.getAttribute("width")) - ROOM;
    if (!(room > 0)) continue;
    if (had) text.removeAttribute("textLength");
    if (text.getComputedTextLength() > room) {
      text.setAttribute("textLength", String(room));
      text.setAttribute("lengthAdjust", "spacingAndGlyphs");
    }
  }
}

/**
 * fitValues once the diagram is on the page (text has no length before): now, or on a later frame.
 * @param {Element} svgRoot
 * @returns {() => void} cancel
 */
export function fitValuesSoon(svgRoot) {
  let frame = 0;
  let tries = 0;
  const run = () => {
    frame = 0;
    if (svgRoot.isConnected) fitValues(svgRoot);
    else if (++tries < 60 && typeof requestAnimationFrame === "function") frame = requestAnimationFrame(run);
  };
  run();
  return () => {
    if (frame) cancelAnimationFrame(frame);
  };
}
