"""The monthly return visits: the staff's pages, the REST resource and the command line."""
