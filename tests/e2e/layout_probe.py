"""What the layout tests measure in the page: overflow of the widget's boxes, and where the step
controls, the diagram and the formula are after the widget is scrolled to the top of the notebook."""

from __future__ import annotations

# Every box of the widget whose content spills out of it: HTML elements that do not scroll
# (overflow visible) but are wider than their box, number inputs whose text is wider than the input,
# diagram values wider than their cell, and the widget wider than its output area.
OVERFLOW_JS = """(root) => {
    const bad = [];
    const name = (e) => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
        ? '.' + e.className.trim().split(/\\s+/).join('.') : '') + (e.getAttribute('aria-label') ? `[${e.getAttribute('aria-label')}]` : '');
    for (const e of root.querySelectorAll('*')) {
        if (!(e instanceof HTMLElement) || e.closest('svg, .rnnw-picture-holder, [hidden], details:not([open]) > :not(summary)')) continue;
        const cs = getComputedStyle(e);
        if (cs.display === 'inline' || cs.display === 'contents' || cs.display === 'none') continue;
        if (e.tagName === 'INPUT') {
            if (e.scrollWidth > e.clientWidth + 1) bad.push(`${name(e)} text ${e.scrollWidth} > ${e.clientWidth}: ${e.value}`);
            continue;
        }
        // a heat map's brackets are drawn just outside its box on purpose (its margin keeps their room)
        if (cs.overflowX === 'visible' && e.scrollWidth > e.clientWidth + 1 && !e.classList.contains('rnnw-heat-wrap'))
            bad.push(`${name(e)} content ${e.scrollWidth} > box ${e.clientWidth}`);
    }
    for (const t of root.querySelectorAll('svg.rnnw-diagram text.rnnw-vtext')) {
        const g = t.parentNode, tb = t.getBBox(), cx = tb.x + tb.width / 2;
        const cell = [...g.querySelectorAll(':scope > rect.rnnw-vcell')].find(r => {
            const b = r.getBBox(); return b.x <= cx && cx <= b.x + b.width && b.y <= tb.y + tb.height / 2 && tb.y + tb.height / 2 <= b.y + b.height;
        });
        if (cell && tb.width > cell.getBBox().width + 0.5) bad.push(`diagram value ${t.textContent} ${tb.width.toFixed(1)} > cell ${cell.getBBox().width}`);
    }
    if (root.scrollWidth > root.clientWidth + 1) bad.push(`widget content ${root.scrollWidth} > ${root.clientWidth}`);
    const area = root.closest('.jp-OutputArea-output, .jp-OutputArea, .widget-subarea') || root.parentElement;
    const a = area.getBoundingClientRect(), r = root.getBoundingClientRect();
    if (r.right > a.right + 1 || r.left < a.left - 1) bad.push(`widget ${r.left}-${r.right} outside its output ${a.left}-${a.right}`);
    return bad;
}"""

# Scroll the notebook so the widget's top is at the top of the visible notebook area; then the
# rectangles of the step controls, the diagram, the formula and the visible area.
STAGE_JS = """(root) => {
    let sc = root.parentElement;
    while (sc && sc !== document.body) {
        const o = getComputedStyle(sc).overflowY;
        if ((o === 'auto' || o === 'scroll') && sc.scrollHeight > sc.clientHeight) break;
        sc = sc.parentElement;
    }
    if (!sc || sc === document.body) sc = document.scrollingElement;
    const top = root.getBoundingClientRect().top - (sc === document.scrollingElement ? 0 : sc.getBoundingClientRect().top);
    sc.scrollTop += top;
    const box = (e) => { if (!e) return null; const b = e.getBoundingClientRect(); return {top: b.top, bottom: b.bottom, left: b.left, right: b.right, height: b.height, width: b.width}; };
    const view = sc === document.scrollingElement ? {top: 0, bottom: innerHeight, left: 0, right: innerWidth} : box(sc);
    view.bottom = Math.min(view.bottom, innerHeight); view.top = Math.max(view.top, 0);
    const statusbar = document.querySelector('#jp-main-statusbar');
    if (statusbar) view.bottom = Math.min(view.bottom, statusbar.getBoundingClientRect().top);
    return {
        view,
        widget: box(root),
        controls: box(root.querySelector('.rnnw-toolbar .rnnw-stepbtns')),
        diagram: box(root.querySelector('.rnnw-diagram-box')),
        formula: box(root.querySelector('.rnnw-fcol')),
        scrolled: sc.scrollTop,
    };
}"""


def outside(rect: dict, view: dict, tol: float = 1.0) -> bool:
    return (
        rect["top"] < view["top"] - tol
        or rect["bottom"] > view["bottom"] + tol
        or rect["left"] < view["left"] - tol
        or rect["right"] > view["right"] + tol
    )
