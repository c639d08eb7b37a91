// Sort the papers of a listing page by date (the page's own order, newest first) or by title,
// without reloading. The choice is remembered for every listing of the site and announced
// to screen readers. Without JavaScript the control stays hidden and the page keeps its order.
(function () {
  "use strict";
  var control = document.querySelector("[data-sort-control]");
  var list = document.querySelector("ol[data-sortable]");
  if (!control || !list) return;
  var status = document.querySelector("[data-sort-status]");
  var key = "sort:" + (document.body.dataset.base || "/");
  var ORDERS = {
    date: "Sorted by date, newest first.",
    title: "Sorted by title, A to Z."
  };
  var cards = Array.prototype.slice.call(list.children);
  if (cards.length < 2) return;
  var collator = new Intl.Collator(document.documentElement.lang || undefined, { sensitivity: "base", numeric: true });
  var place = new Map(cards.map(function (card, i) { return [card, i]; }));
  function title(card) {  // a card's first link is its title's
    return card.dataset.title || (card.querySelector("a") || card).textContent.trim();
  }
  var titles = new Map(cards.map(function (card) { return [card, title(card)]; }));
  var byTitle = cards.slice().sort(function (a, b) {
    return collator.compare(titles.get(a), titles.get(b)) || place.get(a) - place.get(b);
  });

  function stored() {
    try {
      var value = window.localStorage.getItem(key);
      return Object.prototype.hasOwnProperty.call(ORDERS, value) ? value : "date";
    } catch (error) {
      return "date";
    }
  }

  function store(value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (error) {
      // private browsing or storage disabled: the choice lasts for this page only
    }
  }

  function apply(order) {
    var wanted = order === "title" ? byTitle : cards;
    var current = Array.prototype.slice.call(list.children);
    if (wanted.every(function (card, i) { return current[i] === card; })) return;
    var fragment = document.createDocumentFragment();
    wanted.forEach(function (card) { fragment.appendChild(card); });
    list.appendChild(fragment);
  }

  var initial = stored();
  control.querySelectorAll("input[name=sort]").forEach(function (input) {
    input.checked = input.value === initial;
  });
  apply(initial);
  list.dataset.order = initial;
  control.hidden = false;

  control.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.name !== "sort" || !Object.prototype.hasOwnProperty.call(ORDERS, input.value)) return;
    apply(input.value);
    list.dataset.order = input.value;
    store(input.value);
    if (status) status.textContent = ORDERS[input.value];
  });
})();
