"""Community activities on traditional festivals: the festival calendar's resource and command."""
