// Typeset TeX with KaTeX: the abstract's math spans (kept intact by the Markdown renderer)
// and $...$ in paper titles (the page's heading and listing cards).
// Without JavaScript the TeX source stays readable.
(function () {
  "use strict";
  if (!window.katex) return;
  var options = { throwOnError: false, strict: "ignore" };
  document.querySelectorAll(".math.inline, .math.block").forEach(function (el) {
    var display = el.classList.contains("block");
    katex.render(el.textContent.trim(), el, Object.assign({ displayMode: display }, options));
  });
  // An inline formula that KaTeX cannot break (one part, such as \left(...\right), wider than
  // its line) gets a line of its own that scrolls sideways, instead of widening the page; a
  // formula that scrolls can be reached with the keyboard to scroll it.
  var inline = document.querySelectorAll(".math.inline");
  var all = document.querySelectorAll(".math.inline, .math.block");
  function fit() {
    fitInline();
    var scrolls = Array.prototype.map.call(all, function (el) { return el.scrollWidth > el.clientWidth + 1; });
    all.forEach(function (el, i) {
      if (scrolls[i]) el.setAttribute("tabindex", "0");
      else el.removeAttribute("tabindex");
    });
  }
  function fitInline() {
    var wide = Array.prototype.map.call(inline, function (el) {  // measure all, then change: one layout
      var box = el.parentElement;
      while (box && getComputedStyle(box).display === "inline") box = box.parentElement;
      var widest = 0;
      el.querySelectorAll(".katex-html > .base").forEach(function (part) {
        widest = Math.max(widest, part.getBoundingClientRect().width);
      });
      return !!box && widest > box.clientWidth;
    });
    inline.forEach(function (el, i) { el.classList.toggle("math-wide", wide[i]); });
  }
  if (all.length) {
    fit();
    var pending = false;
    window.addEventListener("resize", function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; fit(); });
    });
  }
  if (window.renderMathInElement) {
    document.querySelectorAll(".paper-header h1, .paper-card-title a").forEach(function (el) {
      if (el.textContent.indexOf("$") < 0 && el.textContent.indexOf("\\(") < 0) return;
      renderMathInElement(el, Object.assign({
        delimiters: [
          { left: "$$", right: "$$", display: false },
          { left: "$", right: "$", display: false },
          { left: "\\(", right: "\\)", display: false }
        ]
      }, options));
    });
  }
})();
