/* An event's hours in the visitor's own time zone, beside the event's: a
   progressive enhancement. Without this script the page gives the hours in the
   event's zone only (layouts/item.html), which is always right. With it, an
   element [data-local-times] (data-start, data-end: the first day's times with
   their offset; data-zone: the event's IANA zone; data-daily: hours on each of
   several days) gets its next sibling, rendered `hidden` with a translated
   label holding "{times}", filled in and shown, unless the visitor is in the
   event's zone anyway. Text only (textContent), no framework, no inline code:
   CSP-safe. */
(function () {
  "use strict";

  if (!window.Intl || !Intl.DateTimeFormat) return;
  var own = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var lang = document.documentElement.lang;
  var times = document.querySelectorAll("[data-local-times]");

  for (var i = 0; i < times.length; i++) {
    var el = times[i], out = el.nextElementSibling;
    if (!own || !out || !out.hasAttribute("data-local-label") || el.getAttribute("data-zone") === own) continue;
    var start = new Date(el.getAttribute("data-start"));
    var end = el.getAttribute("data-end") ? new Date(el.getAttribute("data-end")) : null;
    if (isNaN(start.getTime())) continue;
    var text;
    if (el.getAttribute("data-daily") === "true") {
      // Hours of every day: times only, even where they cross midnight for the visitor
      // (formatRange would then name the first day's dates, as if there were one day).
      var hours = {hour: "numeric", minute: "2-digit"};
      var zoned = new Intl.DateTimeFormat(lang, {hour: "numeric", minute: "2-digit", timeZoneName: "short"});
      text = end ? new Intl.DateTimeFormat(lang, hours).format(start) + " – " + zoned.format(end) : zoned.format(start);
    } else {
      // One day's hours may fall on another date where the visitor is: name it.
      var format = new Intl.DateTimeFormat(lang, {month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
                                                  timeZoneName: "short"});
      text = end && format.formatRange ? format.formatRange(start, end) : format.format(start);
    }
    out.textContent = out.getAttribute("data-local-label").replace("{times}", text);
    out.hidden = false;
  }
})();
