"""Statistics the pipeline computes: the 95% Wilson score interval of a poll percentage."""

from __future__ import annotations

import math

Z95 = 1.959964


def wilson(pct: float, n: int) -> tuple[float, float]:
    """95% Wilson score interval in percent. At n = 2,000 and 50% its half-width is the 2.2
    points the Ipsos report states (a cross-check, and tests)."""
    p, z2 = pct / 100, Z95 * Z95
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def half_width(pct: float, n: int) -> float:
    low, high = wilson(pct, n)
    return (high - low) / 2
