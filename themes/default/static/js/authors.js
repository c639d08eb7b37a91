// A long author list: its "and N more" summary hides once the list is open, so the focus that
// was on it moves to the first name it showed; left on a hidden element, the focus would fall
// back to the page itself, and a screen reader would go on from the top.
(function () {
  "use strict";
  document.querySelectorAll("details.authors-more").forEach(function (details) {
    var summary = details.querySelector("summary");
    if (!summary) return;
    var hadFocus = false;
    summary.addEventListener("focus", function () { hadFocus = true; });
    summary.addEventListener("blur", function () { hadFocus = false; });
    details.addEventListener("toggle", function () {
      if (!details.open || !hadFocus) return;
      var first = details.querySelector("summary ~ a");
      if (!first) { // names without pages: the list itself takes the focus
        first = details.closest(".authors") || details;
        first.setAttribute("tabindex", "-1");
      }
      first.focus();
    });
  });
})();
