/* The search page: starts Pagefind's UI (https://pagefind.app) from the site's
   own bundle. Loaded with `defer` on the search page only. The page's text says
   that search needs JavaScript; this script replaces it with the search box, or,
   when the bundle is missing (a `sitegen build --no-search` preview), shows the
   page's "not available in this preview" note instead. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  var bundle = box.getAttribute("data-bundle");

  function unavailable() {
    box.hidden = true;
    document.getElementById("search-unavailable").hidden = false;
  }

  function start() {
    if (typeof window.PagefindUI !== "function") return unavailable();
    box.textContent = "";
    new window.PagefindUI({
      element: box,
      bundlePath: bundle,
      baseUrl: box.getAttribute("data-base-url"),
      showImages: false,
      showSubResults: true,
      processResult: unmarked
    });
    label(box.querySelector("input"));
  }

  // Korean is indexed with a "+" between the nouns of a compound ("스마트+시티", see
  // generator/outputs/compounds.py), so that a word inside a compound is found; the
  // results show the words as written.
  var MARK = /([\uac00-\ud7a3](?:<\/?mark>)?)\+(?=(?:<\/?mark>)?[\uac00-\ud7a3])/g;

  function unmark(text) {
    return typeof text === "string" ? text.replace(MARK, "$1") : text;
  }

  function unmarked(result) {
    result.excerpt = unmark(result.excerpt);
    if (result.meta) result.meta.title = unmark(result.meta.title);
    (result.sub_results || []).forEach(function (sub) {
      sub.title = unmark(sub.title);
      sub.excerpt = unmark(sub.excerpt);
    });
    return result;
  }

  // Pagefind's box has only a placeholder; a visible label stays when the placeholder goes.
  function label(input) {
    if (!input) return;
    var text = document.createElement("label");
    input.id = "search-input";
    text.htmlFor = input.id;
    text.className = "search-label";
    text.textContent = box.getAttribute("data-label");
    box.insertBefore(text, box.firstChild);
  }

  // Added from here, not in the page's head: Pagefind's stylesheet never blocks rendering.
  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = bundle + "pagefind-ui.css";
  document.head.appendChild(style);

  var script = document.createElement("script");
  script.src = bundle + "pagefind-ui.js";
  script.onload = start;
  script.onerror = unavailable;
  document.head.appendChild(script);
})();
