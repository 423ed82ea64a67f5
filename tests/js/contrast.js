// Evaluated in a page (tests/test_readers_browser.py): every visible text and control whose
// contrast against what is behind it is below `min` (WCAG 2 ratio). Backgrounds are
// composited from the element's ancestors' background colours and opacity; text over
// background images is not judged. Returns [{text, ratio, color, background, where}].
(min) => {
  function parse(value) {
    const m = /rgba?\(([^)]+)\)/.exec(value);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  }
  function over(top, bottom) {
    const a = top.a + bottom.a * (1 - top.a);
    if (!a) return { r: 0, g: 0, b: 0, a: 0 };
    const mix = (x, y) => (x * top.a + y * bottom.a * (1 - top.a)) / a;
    return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a };
  }
  function luminance(c) {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function ratio(a, b) {
    const x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  }
  function background(el) {
    const layers = [];
    let image = false;
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage && style.backgroundImage !== "none" &&
          !/gradient/.test(style.backgroundImage) && node !== document.documentElement) image = true;
      const color = parse(style.backgroundColor);
      if (color && color.a > 0) layers.push(color);
      if (color && color.a >= 1) break;
    }
    let result = { r: 255, g: 255, b: 255, a: 1 };
    for (let i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
    return { color: result, image };
  }
  function opacity(el) {
    let value = 1;
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      value *= Number(getComputedStyle(node).opacity);
    }
    return value;
  }
  function visible(el) {
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || style.display === "none") return false;
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) return false;
    if (el.closest("[hidden], .md-search, .md-sidebar--secondary[hidden]")) return false;
    const clip = style.clip;
    if (clip && clip !== "auto" && /rect\(0px,? 0px,? 0px,? 0px\)|rect\(0 0 0 0\)/.test(clip)) return false;
    return opacity(el) > 0.05;
  }
  const failures = [];
  const seen = new Set();
  const elements = Array.from(document.querySelectorAll("body *"));
  for (const el of elements) {
    if (["SCRIPT", "STYLE", "NOSCRIPT", "svg", "path", "TEMPLATE"].includes(el.tagName)) continue;
    const control = ["INPUT", "BUTTON", "TEXTAREA", "SELECT"].includes(el.tagName);
    let text = "";
    if (control) {
      text = (el.value || el.placeholder || el.textContent || "").trim();
    } else {
      for (const child of el.childNodes) {
        if (child.nodeType === 3) text += child.textContent;
      }
      text = text.trim();
    }
    if (!text || !visible(el)) continue;
    const style = getComputedStyle(el);
    const back = background(el);
    if (back.image) continue;
    let fg = parse(control && !el.value && el.placeholder
      ? getComputedStyle(el, "::placeholder").color : style.color);
    if (!fg) continue;
    fg = { ...fg, a: fg.a * opacity(el) };
    const shown = over(fg, back.color);
    const value = ratio(shown, back.color);
    if (value + 1e-6 < min) {
      const key = el.className + "|" + text.slice(0, 40);
      if (seen.has(key)) continue;
      seen.add(key);
      failures.push({ text: text.slice(0, 60), ratio: Math.round(value * 100) / 100,
        color: style.color, background: `rgb(${Math.round(back.color.r)}, ${Math.round(back.color.g)}, ${Math.round(back.color.b)})`,
        where: el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") });
    }
  }
  return failures;
}
