"""WeGO calendar site generator: content/ -> site, iCalendar feeds and brochure."""

__version__ = "0.1.0"
