// The site's search: ranks the names in search-index.js (window.PIKG_SEARCH: [label, class, page, names,
// categories, class rank], names and categories one per line) as the reader types into the header's search box;
// the page works without it (the lists by class). A hit's tier: 0 a whole name is the query, 1 a name starts
// with it, 2 every word of the query starts a word of a name
// or of a category (a programme's type: peer-led program), 3 the words are found in the names or categories;
// within a tier, by class (interventions first), then the shorter name (the closer match), then by label.
(function () {
  "use strict";
  var index = window.PIKG_SEARCH || [];
  var input = document.getElementById("site-search");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var SHOWN = 50;
  function fold(text) { return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  var names = index.map(function (entry) { return fold(entry[3]).split("\n"); });
  var everything = index.map(function (entry) { return fold(entry[3] + "\n" + entry[4]); });
  function startsWord(name, word) {
    return name.split(/[^0-9a-z\u00c0-\uffff]+/).some(function (part) { return part.indexOf(word) === 0; });
  }
  function tier(i, query, words) {
    var own = names[i];
    if (own.indexOf(query) >= 0) { return 0; }
    if (own.some(function (n) { return n.indexOf(query) === 0; })) { return 1; }
    if (own.some(function (n) { return words.every(function (w) { return startsWord(n, w); }); })) { return 2; }
    var categories = fold(index[i][4]).split("\n");
    if (categories.some(function (c) { return words.every(function (w) { return startsWord(c, w); }); })) { return 2; }
    if (words.every(function (w) { return everything[i].indexOf(w) >= 0; })) { return 3; }
    return -1;
  }
  function show(raw) {
    var query = fold(raw).trim().replace(/\s+/g, " ");
    var words = query.split(" ").filter(Boolean);
    results.textContent = "";
    if (!words.length) { status.textContent = ""; return; }
    var found = [];
    for (var i = 0; i < index.length; i++) {
      var t = tier(i, query, words);
      if (t >= 0) { found.push([t, index[i][5], index[i][0].length, index[i][0].toLowerCase(), i]); }
    }
    found.sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : a[4] - b[4]);
    });
    status.textContent = found.length ? found.length + " found" + (found.length > SHOWN ? ", the first " + SHOWN + " shown" : "")
                                      : "Nothing found for “" + raw + "”.";
    found.slice(0, SHOWN).forEach(function (hit) {
      var entry = index[hit[4]];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = entry[2];
      var name = document.createElement("bdi");  // a name's bidi controls stay inside it
      name.textContent = entry[0];
      link.appendChild(name);
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
