"""Model insight: scoring a model on new rows from mergeable statistics (`scoring`)."""
