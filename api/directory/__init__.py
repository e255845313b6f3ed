"""Staff accounts: what an administrator does to a user's sessions and API tokens."""
