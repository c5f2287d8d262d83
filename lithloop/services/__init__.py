"""Use cases, one module per domain; transactions begin and end here."""
