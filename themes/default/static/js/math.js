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
    if (!display) glue(el);
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
      el.querySelectorAll(".katex-html .base").forEach(function (part) {
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
    document.querySelectorAll(".paper-header h1, .paper-card-title a, .paper-row-title").forEach(function (el) {
      if (el.textContent.indexOf("$") < 0 && el.textContent.indexOf("\\(") < 0) return;
      renderMathInElement(el, Object.assign({
        delimiters: [
          { left: "$$", right: "$$", display: false },
          { left: "$", right: "$", display: false },
          { left: "\\(", right: "\\)", display: false }
        ]
      }, options));
      el.querySelectorAll(".katex").forEach(function (formula) { glue(formula.parentNode); });
    });
  }

  // A formula and the punctuation around it ("$n$," or "($n$)") stay on one line. KaTeX draws a
  // formula as parts that are inline blocks, beside which a browser may always break a line, so a
  // comma or a closing bracket could start the next line. The line may still break between the
  // parts of a long formula (after = or +, where KaTeX allows it), not at its ends.
  function glue(el) {
    var before = el.previousSibling, after = el.nextSibling;
    var opening = before && before.nodeType === 3 ? /[(\[{\u2018\u201C\u00AB]+$/.exec(before.data) : null;
    var closing = after && after.nodeType === 3 ? /^[,.;:!?)\]}%\u2019\u201D\u00BB\u2026]+/.exec(after.data) : null;
    if (!opening && !closing) return;
    var parts = el.querySelectorAll(".katex-html > .base");
    if (!parts.length) return;
    // a break beside a part is decided by the element that holds it: the end parts get one that allows none
    if (opening) keepTogether(parts[0]);
    if (closing && (parts.length > 1 || !opening)) keepTogether(parts[parts.length - 1]);
    var span = document.createElement("span");
    span.className = "math-glue";
    el.parentNode.insertBefore(span, el);
    if (opening) {
      before.data = before.data.slice(0, -opening[0].length);
      span.appendChild(document.createTextNode(opening[0]));
    }
    span.appendChild(el);
    if (closing) {
      after.data = after.data.slice(closing[0].length);
      span.appendChild(document.createTextNode(closing[0]));
    }
  }
  function keepTogether(part) {
    var end = document.createElement("span");
    end.className = "math-glue-end";
    part.parentNode.insertBefore(end, part);
    end.appendChild(part);
  }
})();
