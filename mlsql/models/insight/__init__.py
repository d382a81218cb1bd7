"""Model insight: `evaluate`'s mergeable statistics (`scoring`), permutation importance
(`importance`), per-row contributions (`contributions`), split-conformal intervals
(`conformal`), model cards (`card`) and lineage (`lineage`)."""
