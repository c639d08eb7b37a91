// Copy buttons: <button data-copy="ID"> copies the text of the element with that id, and says
// so in a status message that screen readers announce. When the clipboard refuses, the text is
// selected so that the reader can copy it with the keyboard.
// Download links: <span data-download="ID" hidden><a download="NAME">...</a></span> is shown with
// its link to a BibTeX file of the text of the element with that id (a page that held the file as a
// data: URL would hold the text twice).
(function () {
  "use strict";
  function select(source) {
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function write(source) {
    var text = source.textContent;
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      select(source);
      var done = false;
      try {
        done = document.execCommand("copy");
      } catch (error) {
        done = false;
      }
      if (done) {
        window.getSelection().removeAllRanges();
        resolve();
      } else {
        reject(new Error("copy refused"));
      }
    });
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    if (!source) return;
    var label = button.textContent;
    var timer = 0;
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    button.after(status);
    button.hidden = false;
    function show(text, message) {
      clearTimeout(timer);
      button.textContent = text;
      status.textContent = message;
      timer = setTimeout(function () {
        button.textContent = label;
        status.textContent = "";
      }, 2000);
    }
    button.addEventListener("click", function () {
      write(source).then(function () {
        show("Copied", "Copied to the clipboard.");
      }, function () {
        select(source);
        show("Copy failed", "Copying failed: the text is selected, copy it with the keyboard.");
      });
    });
  });

  document.querySelectorAll("[data-download]").forEach(function (holder) {
    var source = document.getElementById(holder.dataset.download);
    var link = holder.querySelector("a[download]");
    if (!source || !link || !window.Blob || !window.URL || !URL.createObjectURL) return;
    link.href = URL.createObjectURL(new Blob([source.textContent], { type: "application/x-bibtex;charset=utf-8" }));
    holder.hidden = false;
  });
})();
