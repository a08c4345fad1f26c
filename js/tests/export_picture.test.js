// Picture export (issue 8): the pure parts (data/picture.js), the diagram's and the formula's SVG
// text made in jsdom from a mounted widget, and the VS Code theme rules in the stylesheet.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  HTML_PROPS,
  SVG_PROPS,
  THEMES,
  legacyColor,
  legacyColors,
  pictureFileName,
  pngSize,
  styleText,
  svgDocument,
} from "../data/picture.js";
import { diagramSvg, htmlSvg } from "../view/export_picture.js";
import widget from "../widget.js";
import { FakeModel } from "../dev/fake_model.js";
import { fixtureState } from "./fixture.js";

describe("colours any SVG reader understands", () => {
  it("turns Chromium's color(srgb ...) into rgb()/rgba() and leaves legacy forms alone", () => {
    expect(legacyColor("color(srgb 1 0.5 0)")).toBe("rgb(255, 128, 0)");
    expect(legacyColor("color(srgb 0.2 0.4 0.6 / 0.5)")).toBe("rgba(51, 102, 153, 0.5)");
    expect(legacyColor("color(srgb 0 0 0 / 25%)")).toBe("rgba(0, 0, 0, 0.25)");
    expect(legacyColor("rgb(1, 2, 3)")).toBe("rgb(1, 2, 3)");
    expect(legacyColor("#abcdef")).toBe("#abcdef");
    expect(legacyColors("0px 0px 0px 2px color(srgb 1 1 1)")).toBe("0px 0px 0px 2px rgb(255, 255, 255)");
  });
});

describe("styleText", () => {
  const computed = { fill: "color(srgb 1 0 0)", stroke: "none", opacity: "1", "font-size": "15px", "text-anchor": "middle" };
  it("writes the listed properties, without SVG defaults, colours as rgb()", () => {
    const text = styleText((p) => computed[p] ?? "", SVG_PROPS);
    expect(text).toBe("fill:rgb(255, 0, 0);font-size:15px;text-anchor:middle");
  });
  it("keeps every value for HTML (no SVG defaults there)", () => {
    expect(styleText((p) => ({ opacity: "1", color: "rgb(0, 0, 0)" })[p] ?? "", ["opacity", "color"], { svg: false })).toBe(
      "opacity:1;color:rgb(0, 0, 0)",
    );
  });
  it("lists what the pictures need", () => {
    for (const p of ["fill", "stroke", "stroke-dasharray", "font-size", "font-family"]) expect(SVG_PROPS).toContain(p);
    for (const p of ["color", "background-color", "grid-template-columns", "white-space"]) expect(HTML_PROPS).toContain(p);
  });
});

describe("names and sizes", () => {
  it("names the file after the title, the part, the theme", () => {
    expect(pictureFileName("RNN by hand (Tom Yeh)", "diagram", "dark", "svg")).toBe("rnn-by-hand-tom-yeh-diagram-dark.svg");
    expect(pictureFileName("Über <b>LSTM</b>", "formula", "light", "png")).toBe("uber-b-lstm-b-formula-light.png");
    expect(pictureFileName("", "diagram", "light", "png")).toBe("rnn-diagram-light.png");
  });
  it("makes a PNG twice the size by default", () => {
    expect(pngSize(300.2, 150)).toEqual({ width: 601, height: 300 });
    expect(pngSize(10, 10, 3)).toEqual({ width: 30, height: 30 });
  });
  it("has the same colours named in both themes, dark ones dark", () => {
    expect(Object.keys(THEMES.dark).sort()).toEqual(Object.keys(THEMES.light).sort());
    expect(THEMES.dark["--rnnw-bg"]).toBe("#0d1117");
    expect(THEMES.light["--rnnw-bg"]).toBe("#ffffff");
  });
});

describe("svgDocument", () => {
  it("is a standalone SVG with a background, escaped title and the body", () => {
    const doc = svgDocument({ width: 100.4, height: 50, background: "color(srgb 0 0 0)", body: "<circle r='1'/>", title: 'a "b" <c>' });
    expect(doc.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(doc).toContain('width="101" height="50" viewBox="0 0 101 50"');
    expect(doc).toContain('<rect x="0" y="0" width="101" height="50" fill="rgb(0, 0, 0)"/>');
    expect(doc).toContain("<title>a &quot;b&quot; &lt;c></title>");
    expect(doc).toContain("<circle r='1'/></svg>");
  });
  it("wraps HTML in an XHTML foreignObject", () => {
    const doc = svgDocument({ width: 10, height: 10, background: "#fff", body: "<p>x</p>", html: true });
    expect(doc).toContain(
      '<foreignObject x="0" y="0" width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml"><p>x</p></div></foreignObject>',
    );
  });
});

const mounted = [];
afterEach(() => {
  mounted.splice(0).forEach((c) => c());
  document.body.innerHTML = "";
});
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("the pictures of a mounted widget (jsdom)", () => {
  it("the diagram's SVG carries every node and number with inline styles, no classes or answer inputs", async () => {
    const el = document.createElement("div");
    document.body.appendChild(el);
    mounted.push(widget.render({ model: new FakeModel(fixtureState("tom_yeh")), el }));
    await settle();
    const root = el.querySelector(".rnnw");
    const svgEl = root.querySelector(".rnnw-diagram-box svg.rnnw-diagram");
    const text = diagramSvg(root, svgEl, "dark");
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    expect(doc.querySelector("parsererror")).toBe(null);
    expect(doc.documentElement.getAttribute("width")).toBe(svgEl.getAttribute("width"));
    expect(doc.querySelectorAll("[class]").length).toBe(0);
    expect(doc.querySelectorAll("foreignObject").length).toBe(0);
    const shown = [...svgEl.querySelectorAll("text")].map((t) => t.textContent);
    const saved = [...doc.querySelectorAll("text")].map((t) => t.textContent);
    expect(saved).toEqual(shown);
    expect(root.querySelector(".rnnw-picture-holder")).toBe(null); // the off-screen copy is gone
  });
  it("the formula's SVG holds the panel's text in XHTML, without its menu", async () => {
    const el = document.createElement("div");
    document.body.appendChild(el);
    mounted.push(widget.render({ model: new FakeModel(fixtureState("tom_yeh")), el }));
    await settle();
    const root = el.querySelector(".rnnw");
    const panel = root.querySelector(".rnnw-fcol .rnnw-formula");
    const text = htmlSvg(root, panel, "light");
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    expect(doc.querySelector("parsererror")).toBe(null);
    const fo = doc.querySelector("foreignObject");
    expect(fo).not.toBe(null);
    expect(fo.textContent.replace(/\s+/g, "")).toBe(panel.textContent.replace(/\s+/g, ""));
    expect(doc.querySelectorAll("select, button").length).toBe(0);
  });
});

describe("VS Code's theme (js/css/vscode.css, imported by widget.css)", () => {
  const css = readFileSync(resolve(process.cwd(), "js/css/vscode.css"), "utf8");
  const rule = (selector) => {
    const i = css.indexOf(selector);
    return i < 0 ? "" : css.slice(i, css.indexOf("}", i));
  };
  it("follows body.vscode-dark with VS Code's own colours", () => {
    const dark = rule("body.vscode-dark .rnnw");
    expect(dark).toContain("--rnnw-bg: var(--vscode-editor-background");
    expect(dark).toContain("--rnnw-fg: var(--vscode-editor-foreground");
  });
  it("keeps VS Code's light theme light on a dark system", () => {
    expect(rule("body.vscode-light .rnnw")).toContain("--rnnw-bg: var(--vscode-editor-background, #ffffff)");
  });
});
