// Parse an iCalendar file with ical.js and print a JSON summary of its VEVENTs.
// Usage: node tests/js/parse_ics.mjs FILE.ics   (exit 1 and a message on stderr on a parse error)
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

// "2025-03-01T10:00:00" (floating or TZID), "2025-03-01T10:00:00Z" (UTC) or "2025-03-01" (DATE).
const timeOf = (vevent, name) => vevent.getFirstPropertyValue(name)?.toString() ?? null;
const tzidOf = (vevent, name) => vevent.getFirstProperty(name)?.getParameter("tzid") ?? null;

// Every occurrence as [start, end]: UTC instants for times ("2025-06-10T07:00:00.000Z"),
// the day for dates; a recurring event expanded by its RRULE (at most 1000).
const instant = (t) => (t === null ? null : t.isDate ? t.toString() : t.toJSDate().toISOString());
function occurrencesOf(vevent) {
  const event = new ICAL.Event(vevent);
  if (!event.isRecurring()) return [[instant(event.startDate), vevent.hasProperty("dtend") ? instant(event.endDate) : null]];
  const found = [];
  const iterator = event.iterator();
  for (let next = iterator.next(); next && found.length < 1000; next = iterator.next()) {
    const details = event.getOccurrenceDetails(next);
    found.push([instant(details.startDate), instant(details.endDate)]);
  }
  return found;
}

try {
  const jcal = ICAL.parse(readFileSync(process.argv[2], "utf8"));
  if (!Array.isArray(jcal) || typeof jcal[0] !== "string") {
    throw new Error(`expected exactly one top-level component, got ${Array.isArray(jcal) ? jcal.length : typeof jcal}`);
  }
  const calendar = new ICAL.Component(jcal);
  if (calendar.name !== "vcalendar") throw new Error(`top-level component is ${calendar.name}, not vcalendar`);
  // The file's own VTIMEZONEs, so that TZID times convert to UTC by the feed's rules.
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(vtimezone);
  const events = calendar.getAllSubcomponents("vevent").map((vevent) => ({
    uid: vevent.getFirstPropertyValue("uid"),
    summary: vevent.getFirstPropertyValue("summary"),
    dtstart: timeOf(vevent, "dtstart"),
    dtstart_tzid: tzidOf(vevent, "dtstart"),
    dtend: timeOf(vevent, "dtend"),
    dtend_tzid: tzidOf(vevent, "dtend"),
    status: vevent.getFirstPropertyValue("status"),
    occurrences: occurrencesOf(vevent),
  }));
  process.stdout.write(JSON.stringify({ vevent_count: events.length, events }) + "\n");
} catch (err) {
  process.stderr.write(`ical.js: ${err.name}: ${err.message}\n`);
  process.exit(1);
}
