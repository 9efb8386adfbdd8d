/* Filters a calendar or list page in place: a progressive enhancement.
   Without this script the page lists everything, and the filter links lead to
   one page per region, area and format. With it, the form (rendered `hidden`)
   appears; choices combine, live in the address (?region=africa&category=regional)
   so a filtered view can be shared and reloaded, and the number of activities
   shown is announced. One element per item carries its values (data-id with
   data-region, data-category, data-format, data-program: space-separated);
   every element with that data-id is shown or hidden with it, and a
   [data-filter-group] (a table, a month, a section with its heading) is hidden
   when none of its items is shown. Choices that leave nothing say so and offer
   a link that clears them. No framework, no inline code: CSP-safe. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-filters]");
  if (!form || !window.URLSearchParams || !window.history.replaceState) return;

  var selects = Array.prototype.slice.call(form.querySelectorAll("select[name]"));
  var sources = document.querySelectorAll("[data-id][data-category]");
  var items = document.querySelectorAll("[data-id]");
  var groups = document.querySelectorAll("[data-filter-group]");
  var markers = document.querySelectorAll("[data-places]");
  var status = form.querySelector(".filter-status");
  var counts = form.querySelector("template.filter-counts");
  var empty = form.querySelector(".filter-empty");

  function chosen() {
    return selects.filter(function (s) { return s.value; })
      .map(function (s) { return { name: s.name, value: s.value }; });
  }

  function matches(element, choices) {
    return choices.every(function (c) {
      var values = (element.getAttribute("data-" + c.name) || "").split(" ");
      return values.indexOf(c.value) !== -1;
    });
  }

  function isShown(element) { return !element.hidden; }

  function apply() {
    var choices = chosen();
    var shown = {};
    Array.prototype.forEach.call(sources, function (source) {
      if (matches(source, choices)) shown[source.getAttribute("data-id")] = true;
    });
    Array.prototype.forEach.call(items, function (item) {
      item.hidden = !shown[item.getAttribute("data-id")];
    });
    Array.prototype.forEach.call(groups, function (group) {
      group.hidden = !Array.prototype.some.call(group.querySelectorAll("[data-id]"), isShown);
    });
    // A map marker stays while one of its places (entries in the list) does.
    Array.prototype.forEach.call(markers, function (marker) {
      var places = marker.getAttribute("data-places").split(" ").map(function (id) {
        return document.getElementById(id);
      });
      var visible = places.some(function (place) { return place && !place.hidden; });
      marker.setAttribute("visibility", visible ? "visible" : "hidden");
    });
    var count = Object.keys(shown).length;
    if (empty) empty.hidden = count > 0;
    announce(count);
  }

  // The sentences come from the page, translated and with the language's plural forms;
  // none is the sentence that says nothing matches.
  function announce(count) {
    var key = count > 0 ? String(count) : "none";
    var sentence = counts && counts.content.querySelector('[data-count="' + key + '"]');
    if (status && sentence) status.textContent = sentence.textContent;
  }

  function remember() {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (s) {
      if (s.value) params.set(s.name, s.value); else params.delete(s.name);
    });
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  function restore() {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (s) {
      var value = params.get(s.name);
      var known = Array.prototype.some.call(s.options, function (o) { return o.value === value; });
      s.value = known ? value : "";
    });
  }

  form.addEventListener("change", function () { apply(); remember(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () {
    // The form resets after this event: filter once its fields are back to "all".
    window.setTimeout(function () { apply(); remember(); }, 0);
  });

  // Without the script the link reloads the page unfiltered; with it, the form clears in
  // place and the keyboard goes back to the first choice (the link itself disappears).
  if (empty) {
    empty.querySelector("a").addEventListener("click", function (event) {
      event.preventDefault();
      form.reset();
      if (selects.length) selects[0].focus();
    });
  }

  restore();
  form.hidden = false;
  apply();
})();
