"""Statistics of an attack's success counts: the residual risk at any confidence, one-sided bounds
and p-values against a threshold, Holm's step-down, the absolute advantage with Newcombe's interval,
and the number of attacks a verdict needs.

The residual risk is anonymeter's (Giomi et al. 2023, PoPETs): ``(a - c) / (1 - c)`` for attack
success ``a`` on training rows and ``c`` on control rows, with Wilson rates and the error
propagated. A one-sided bound at level ``alpha`` is the end of the two-sided interval at
confidence ``1 - 2 alpha``.
"""

from __future__ import annotations

import math

from anonymeter.stats.confidence import bind_value, residual_success, success_rate
from scipy.optimize import brentq
from scipy.stats import norm

ALPHA = 0.05
POWER = 0.8


def _residual(n_train: int, s_train: float, n_control: int, s_control: float,
              confidence: float) -> tuple[float, float]:
    """anonymeter's residual risk and its error at ``confidence``, not yet clipped to [0, 1]."""
    residual = residual_success(success_rate(n_train, s_train, confidence),
                                success_rate(n_control, s_control, confidence))
    return float(residual.value), float(residual.error)


def residual_risk(n_train: int, s_train: float, n_control: int, s_control: float,
                  confidence: float = 0.95) -> tuple[float, float, float]:
    """``(risk, low, high)``: anonymeter's residual risk and its two-sided interval at ``confidence``,
    clipped to [0, 1] as anonymeter reports them.

    Example:
        >>> [round(v, 2) for v in residual_risk(400, 360, 400, 320)]
        [0.49, 0.31, 0.66]
    """
    value, error = _residual(n_train, s_train, n_control, s_control, confidence)
    risk = bind_value(value, error)
    return float(risk.value), float(risk.ci[0]), float(risk.ci[1])


def upper_bound(n_train: int, s_train: float, n_control: int, s_control: float, alpha: float = ALPHA) -> float:
    """One-sided ``1 - alpha`` upper confidence bound of the residual risk.

    Example:
        >>> round(upper_bound(400, 360, 400, 320), 2)
        0.64
    """
    return residual_risk(n_train, s_train, n_control, s_control, 1 - 2 * alpha)[2]


def exceedance_p_value(n_train: int, s_train: float, n_control: int, s_control: float, threshold: float) -> float:
    """One-sided p-value of "the risk is at most ``threshold``": the smallest ``alpha`` whose one-sided
    lower bound lies above the threshold (found by bisection; 1.0 when even the point estimate does not).

    Example:
        >>> exceedance_p_value(400, 360, 400, 320, 0.09) < 1e-4, exceedance_p_value(400, 320, 400, 320, 0.09)
        (True, 1.0)
    """
    def margin(confidence: float) -> float:  # unclipped, so that a threshold of 0 is judged like any other
        value, error = _residual(n_train, s_train, n_control, s_control, confidence)
        return value - error - threshold

    lowest, highest = 1e-9, 1 - 1e-12
    if margin(lowest) <= 0:
        return 1.0
    if margin(highest) > 0:
        return (1 - highest) / 2
    return (1 - brentq(margin, lowest, highest, xtol=1e-10)) / 2


def holm_rejections(p_values: list[float], alpha: float = ALPHA) -> list[bool]:
    """Holm's (1979) step-down: which hypotheses are rejected at family-wise level ``alpha``.

    Example:
        >>> holm_rejections([0.01, 0.04, 0.03, 0.005])
        [True, False, False, True]
    """
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    rejected = [False] * len(p_values)
    for step, index in enumerate(order):
        if p_values[index] > alpha / (len(p_values) - step):
            break
        rejected[index] = True
    return rejected


def wilson_interval(n: int, successes: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson's (1927) score interval of a proportion.

    Example:
        >>> [round(v, 3) for v in wilson_interval(100, 10)]
        [0.055, 0.174]
    """
    if n <= 0:
        return 0.0, 1.0
    z, p = norm.ppf(0.5 + confidence / 2), successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_difference(n_train: int, s_train: float, n_control: int, s_control: float,
                        confidence: float = 0.95) -> tuple[float, float, float]:
    """``(a - c, low, high)``: the absolute advantage of the attack on training rows over control rows,
    with Newcombe's (1998, Stat Med 17:873, method 10) hybrid score interval.

    Example:
        >>> [round(v, 4) for v in newcombe_difference(70, 56, 80, 48)]  # Newcombe's example (a): 0.0524 to 0.3339
        [0.2, 0.0524, 0.3339]
    """
    a, c = s_train / n_train, s_control / n_control
    a_low, a_high = wilson_interval(n_train, s_train, confidence)
    c_low, c_high = wilson_interval(n_control, s_control, confidence)
    difference = a - c
    return (difference, difference - math.sqrt((a - a_low) ** 2 + (c_high - c) ** 2),
            difference + math.sqrt((a_high - a) ** 2 + (c - c_low) ** 2))


def attacks_for_power(control_rate: float, threshold: float, alpha: float = ALPHA, power: float = POWER) -> float:
    """Attacks per arm for the one-sided ``1 - alpha`` upper bound of a zero residual risk to fall
    below ``threshold`` with probability ``power`` (infinite for a threshold of 0: no bound lies below it).

    At risk 0 the training and control success rates are both ``c``, and the delta method gives the
    residual's variance ``2c / (n (1 - c))``; the bound ``r + z_alpha sd`` stays below ``t`` with
    probability ``power`` when ``n = (z_alpha + z_power)^2 2c / ((1 - c) t^2)``.

    Example:
        >>> attacks_for_power(0.3, 0.09), attacks_for_power(0.82, 0.09)
        (655, 6955)
    """
    if threshold <= 0:
        return math.inf
    c = min(max(control_rate, 1e-6), 1 - 1e-6)
    z = norm.ppf(1 - alpha) + norm.ppf(power)
    return math.ceil(z * z * 2 * c / ((1 - c) * threshold * threshold))


__all__ = ["ALPHA", "POWER", "attacks_for_power", "exceedance_p_value", "holm_rejections", "newcombe_difference",
           "residual_risk", "upper_bound", "wilson_interval"]
