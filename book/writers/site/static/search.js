/* The web edition's search (book/writers/site/static/search.js): reads the index the build made
   (search-index.js, window.OHWB_SEARCH) and lists the case studies holding every word typed, each
   word matched as the start of a word of the text. No request to any host; without this script
   the search page says where else to look. Results are built as DOM nodes, never as markup. */
(function () {
  "use strict";
  var index = window.OHWB_SEARCH;
  var form = document.querySelector(".search-form");
  var input = document.getElementById("search-words");
  var results = document.getElementById("search-results");
  if (!index || !form || !input || !results) { return; }
  var terms = Object.keys(index.terms);

  function words(text) {
    var plain = text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    return (plain.match(/[\p{L}\p{N}]+/gu) || []).filter(function (w) { return w.length > 1; });
  }

  function matching(word) {
    var found = {};
    terms.forEach(function (term) {
      if (term.lastIndexOf(word, 0) === 0) {
        index.terms[term].forEach(function (n) { found[n] = true; });
      }
    });
    return found;
  }

  function search(query) {
    var wanted = words(query);
    if (!wanted.length) { return null; }
    var hits = null;
    wanted.forEach(function (word) {
      var found = matching(word);
      hits = hits === null ? found : Object.keys(hits).reduce(function (kept, n) {
        if (found[n]) { kept[n] = true; }
        return kept;
      }, {});
    });
    // titles that hold a word first, then the compendium's order
    var inTitle = function (n) {
      var title = words(index.docs[n][0]).join(" ");
      return wanted.some(function (w) { return (" " + title).indexOf(" " + w) >= 0; }) ? 0 : 1;
    };
    return Object.keys(hits).map(Number).sort(function (a, b) { return inTitle(a) - inTitle(b) || a - b; });
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }

  function show(query) {
    results.textContent = "";
    var found = search(query);
    if (found === null) { return; }
    var said = found.length === 1 ? "1 case study" : found.length + " case studies";
    results.appendChild(element("h2", said + " for \u201c" + query.trim() + "\u201d", "results-heading"));
    if (!found.length) {
      results.appendChild(element("p", "Try fewer words, or the start of a word."));
      return;
    }
    var list = element("ul", "", "cards");
    found.forEach(function (n) {
      var doc = index.docs[n];
      var item = element("li", "", "card");
      item.appendChild(element("h3", doc[0], "card-title"));
      item.appendChild(element("p", doc[2], "card-org"));
      item.appendChild(element("p", doc[3], "card-summary"));
      var more = element("a", "Read case study", "read-more");
      more.href = doc[1];
      more.appendChild(element("span", ": " + doc[0], "visually-hidden"));
      var line = element("p");
      line.appendChild(more);
      item.appendChild(line);
      list.appendChild(item);
    });
    results.appendChild(list);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(input.value);
    if (window.history && history.replaceState) {
      try { history.replaceState(null, "", "?q=" + encodeURIComponent(input.value)); } catch (e) { /* file:// */ }
    }
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    input.value = query;
    show(query);
  }
}());
