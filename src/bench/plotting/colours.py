"""One colour per generator, the same in every figure, whichever other generators a figure shows.

Every built-in generator owns a slot of ``PALETTE`` (``COLOUR_ORDER``): the generators of
``default.yaml`` take the colour-blind-safe Okabe-Ito colours, the rest tab20's strong shades. A
label with settings or a suffix (``ctgan[epochs=300]``, ``ctgan rebalanced``) is a variant of the
generator it starts with and takes that generator's colour; when a figure shows several variants
of one generator, the first (the plain name, else the first in sorted order) keeps the colour and
the others get lighter and darker shades of it. Labels of no built-in generator (third-party
plugins) share the slots no built-in owns, in sorted order.

Example:
    >>> generator_colours(["ctgan", "copy"])["ctgan"] == generator_colours(["ctgan", "tvae", "kanon"])["ctgan"]
    True
"""

from __future__ import annotations

import itertools
import re

import matplotlib
from matplotlib.colors import to_rgb

RGB = tuple[float, float, float]

# Okabe & Ito (2008), colour-blind safe; yellow and black last (yellow is faint on white).
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")
_TAB20 = [tuple(float(v) for v in c) for c in matplotlib.colormaps["tab20"].colors]
# tab20 comes in dark/light pairs of one hue: the ten dark shades first, so that two slots next to
# each other never hold two shades of one hue.
PALETTE: tuple[RGB, ...] = tuple([to_rgb(c) for c in OKABE_ITO] + _TAB20[0::2] + _TAB20[1::2])

# The slot each built-in generator owns, in palette order (a test checks that every built-in has one).
# The first eight take the Okabe-Ito colours so that those shown together most often differ most:
# marginals orange, copy sky blue, bayesian_network green, tvae blue, ctgan vermillion, kanon purple;
# the faint yellow and the black of reference marks (TRTR ticks, Pareto outlines) go to the rarer
# ddpm and holdout.
COLOUR_ORDER = (
    "marginals", "copy", "bayesian_network", "tvae", "ctgan", "kanon", "ddpm", "holdout",
    "gaussian_copula", "arf", "nflow", "rtvae", "adsgan", "pategan", "dpgan", "privbayes", "aim",
    "marginal_distributions",
)
# How a second, third, ... variant of one generator is shaded: mixed with white (> 0) or black (< 0).
VARIANT_SHADES = (0.0, 0.45, -0.35, 0.7, -0.6)
_BASE_NAME = re.compile(r"[A-Za-z0-9_]+")


def base_generator(label: str) -> str:
    """The generator a label names: its leading name, without settings or a suffix.

    Example:
        >>> base_generator("ctgan[epochs=300]"), base_generator("ctgan rebalanced"), base_generator("tvae")
        ('ctgan', 'ctgan', 'tvae')
    """
    match = _BASE_NAME.match(label)
    return match.group(0) if match else label


def shade(colour: RGB, amount: float) -> RGB:
    """``colour`` mixed with white (``amount`` > 0) or black (< 0) by ``abs(amount)``.

    Example:
        >>> shade((0.0, 0.5, 1.0), 0.5), shade((0.0, 0.5, 1.0), -0.5)
        ((0.5, 0.75, 1.0), (0.0, 0.25, 0.5))
    """
    towards = 1.0 if amount > 0 else 0.0
    weight = abs(amount)
    return tuple(c + (towards - c) * weight for c in colour)  # type: ignore[return-value]


def _variant_order(labels: list[str], base: str) -> list[str]:
    """The plain name first, then the variants in sorted order."""
    return sorted(labels, key=lambda label: (label != base, label))


def generator_colours(generators: list[str]) -> dict[str, RGB]:
    """One RGB colour per generator label (see the module's docstring for how they are chosen).

    Example:
        >>> colours = generator_colours(["ctgan[epochs=300]", "ctgan", "copy"])
        >>> colours["ctgan"] == PALETTE[COLOUR_ORDER.index("ctgan")], colours["ctgan[epochs=300]"] != colours["ctgan"]
        (True, True)
    """
    by_base: dict[str, list[str]] = {}
    for label in sorted(set(generators)):
        by_base.setdefault(base_generator(label), []).append(label)
    free = itertools.cycle(PALETTE[len(COLOUR_ORDER):])  # the slots no built-in owns, reused past the last
    colours: dict[str, RGB] = {}
    for base, labels in sorted(by_base.items()):
        colour = PALETTE[COLOUR_ORDER.index(base)] if base in COLOUR_ORDER else next(free)
        for i, label in enumerate(_variant_order(labels, base)):
            colours[label] = shade(colour, VARIANT_SHADES[i % len(VARIANT_SHADES)])
    return colours


__all__ = ["COLOUR_ORDER", "OKABE_ITO", "PALETTE", "base_generator", "generator_colours", "shade"]
