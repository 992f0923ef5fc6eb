// The site's search: filters the names in search-index.js (window.PIKG_SEARCH: [label, class, page, names])
// as the reader types into the header's search box; the page works without it (the lists by class).
(function () {
  "use strict";
  var index = window.PIKG_SEARCH || [];
  var input = document.getElementById("site-search");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var SHOWN = 50;
  function fold(text) { return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  var folded = index.map(function (entry) { return fold(entry[3]); });
  function show(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    results.textContent = "";
    if (!words.length) { status.textContent = ""; return; }
    var found = [];
    for (var i = 0; i < index.length; i++) {
      if (words.every(function (w) { return folded[i].indexOf(w) >= 0; })) { found.push(index[i]); }
    }
    status.textContent = found.length ? found.length + " found" + (found.length > SHOWN ? ", the first " + SHOWN + " shown" : "")
                                      : "Nothing found for “" + query + "”.";
    found.slice(0, SHOWN).forEach(function (entry) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = entry[2];
      link.textContent = entry[0];
      item.appendChild(link);
      item.appendChild(document.createTextNode(" (" + entry[1] + ")"));
      results.appendChild(item);
    });
  }
  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  show(query);
  input.addEventListener("input", function () { show(input.value); });
})();
