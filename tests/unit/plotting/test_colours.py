"""Generator colours: one per generator label, the same in every figure whichever others it shows."""

import itertools

from matplotlib.colors import to_rgb

from bench.generators.registry import GENERATORS, TEST_BUDGETS
from bench.plotting.colours import COLOUR_ORDER, OKABE_ITO, PALETTE, base_generator, generator_colours

DEFAULT_GENERATORS = ["marginals", "copy", "kanon[k=5]", "bayesian_network", "ctgan[epochs=60]", "tvae[epochs=60]"]


def test_a_generator_keeps_its_colour_whichever_others_a_figure_shows():
    full = generator_colours(DEFAULT_GENERATORS)
    for size in (1, 2, 4):
        for subset in itertools.combinations(DEFAULT_GENERATORS, size):
            colours = generator_colours(list(subset))
            assert colours == {name: full[name] for name in subset}, subset
    assert generator_colours(list(reversed(DEFAULT_GENERATORS)) + DEFAULT_GENERATORS[:2]) == full


def test_every_built_in_generator_owns_a_distinct_slot_and_the_default_ones_are_colour_blind_safe():
    built_ins = set(TEST_BUDGETS)  # one entry per built-in generator
    assert set(COLOUR_ORDER) == built_ins and len(COLOUR_ORDER) == len(built_ins) and built_ins <= set(GENERATORS)
    assert len(set(PALETTE)) == len(PALETTE) > len(COLOUR_ORDER)
    colours = generator_colours(sorted(built_ins))
    assert len(set(colours.values())) == len(built_ins)
    assert {colours[base_generator(g)] for g in DEFAULT_GENERATORS} <= {to_rgb(h) for h in OKABE_ITO}


def test_variants_of_one_generator_are_shades_of_its_colour_and_all_differ():
    labels = ["ctgan", "ctgan[epochs=100]", "ctgan[epochs=300]", "ctgan rebalanced", "tvae"]
    colours = generator_colours(labels)
    assert len(set(colours.values())) == len(labels)
    assert colours["ctgan"] == generator_colours(["ctgan"])["ctgan"] == PALETTE[COLOUR_ORDER.index("ctgan")]
    alone = generator_colours(["ctgan rebalanced"])["ctgan rebalanced"]
    assert alone == colours["ctgan"], "alone, a variant takes its generator's colour"
    assert colours["tvae"] == generator_colours(["tvae"])["tvae"]


def test_labels_of_no_built_in_generator_share_the_free_slots_and_stay_distinct():
    free = len(PALETTE) - len(COLOUR_ORDER)
    plugins = [f"plugin_{i:02d}" for i in range(free + 2)]
    colours = generator_colours(plugins + ["ctgan", "copy"])
    assert len({colours[p] for p in plugins[:free]}) == free
    assert not {colours[p] for p in plugins} & set(PALETTE[:len(COLOUR_ORDER)]), "built-ins keep their own slots"
    assert all(len(c) == 3 and all(0 <= v <= 1 for v in c) for c in colours.values())
