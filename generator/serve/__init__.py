"""`sitegen serve`: the live preview."""
