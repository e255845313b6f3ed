"""Community activities on traditional festivals (procedure rule 2): the festival calendar."""
