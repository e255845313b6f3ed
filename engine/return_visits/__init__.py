"""Monthly return visits (procedure rule 3): last month's completed work orders, visited."""
