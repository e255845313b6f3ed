"""Photos and scanned letters attached to a case, its work orders and its tasks."""
