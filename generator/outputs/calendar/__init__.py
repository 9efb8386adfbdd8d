"""Calendar outputs: an item as calendar apps show it (entries) and the iCalendar feeds."""
