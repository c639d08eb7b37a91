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
