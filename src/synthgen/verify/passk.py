"""The unbiased pass@k estimator of Chen et al. 2021 ("Evaluating Large Language Models Trained
on Code", the HumanEval paper).

With ``n`` samples of which ``c`` are correct, pass@k = 1 - C(n-c, k) / C(n, k): the chance that
k samples drawn without replacement from the n include a correct one. The binomials overflow
floats for large n, so, as the paper does, we compute the ratio as a running product:
C(n-c, k) / C(n, k) = prod_{i = n-c+1}^{n} (1 - k / i).
"""

from __future__ import annotations

from collections.abc import Iterable


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem with ``n`` samples, ``c`` of them correct (1 <= k <= n)."""
    if not 0 <= c <= n:
        raise ValueError(f"pass_at_k: need 0 <= c <= n, got n={n}, c={c}")
    if not 1 <= k <= n:
        raise ValueError(f"pass_at_k: need 1 <= k <= n, got n={n}, k={k}")
    if n - c < k:  # every draw of k samples holds a correct one
        return 1.0
    miss = 1.0
    for i in range(n - c + 1, n + 1):
        miss *= 1.0 - k / i
    return 1.0 - miss


def mean_pass_at_k(rows: Iterable[tuple[int, int]], k: int) -> float | None:
    """Mean pass@k over ``(n, c)`` rows that have at least ``k`` samples; ``None`` if none has.

    Rows with fewer than ``k`` samples (e.g. a run stopped by a budget) cannot be estimated at
    k, so they are left out rather than counted as failures.
    """
    values = [pass_at_k(n, c, k) for n, c in rows if n >= k]
    return sum(values) / len(values) if values else None
