"""Views: pure queries over the model (the items of a year, month, area, region), the
month grid and the map."""
