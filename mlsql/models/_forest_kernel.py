"""The numba kernel of ``mlsql.models.forest_eval`` (imported only there: importing numba is
slow, so this module loads when a tree model is first evaluated)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def accumulate(
    x: np.ndarray,
    nodes: np.ndarray,
    threshold: np.ndarray,
    leaf_row: np.ndarray,
    roots: np.ndarray,
    depths: np.ndarray,
    values: np.ndarray,
    out: np.ndarray,
    block: int,
) -> None:  # pragma: no cover - compiled
    """Adds each tree's leaf value to ``out[i]`` for every row ``i`` of float32 ``x``, trees in
    ``roots`` order.

    ``nodes[n]`` is (feature, left child, right child, 1 if NaN goes right). A block of rows
    goes through one tree level by level, all rows of the block a step at a time (independent
    loads the processor overlaps), without branches: the next node is the left child when
    ``x <= threshold``, else the right one (NaN: as the node says); a leaf is its own child, so
    every row takes the tree's depth in steps and stays on its leaf.
    """
    n = x.shape[0]
    width = values.shape[1]
    at = np.empty(block, dtype=np.int32)
    for start in range(0, n, block):
        m = min(start + block, n) - start
        for t in range(roots.shape[0]):
            root = roots[t]
            for j in range(m):
                at[j] = root
            for _ in range(depths[t]):
                for j in range(m):
                    node = at[j]
                    info = nodes[node]
                    v = x[start + j, info[0]]
                    go = np.int32(v > threshold[node]) | (np.int32(v != v) & info[3])
                    at[j] = info[1 + go]
            for j in range(m):
                leaf = leaf_row[at[j]]
                for k in range(width):
                    out[start + j, k] += values[leaf, k]
