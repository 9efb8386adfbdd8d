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
      showSubResults: true
    });
    label(box.querySelector("input"));
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
