"""Languages: gettext catalogs, CLDR formatting, and translation tracking."""
