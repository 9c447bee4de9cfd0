"""Datasets: cards, loaders, splits. ``load_split(name)`` is the entry point."""

from bench.datasets.cards import DatasetCard, SensitiveAttribute, load_card
from bench.datasets.registry import DATASETS, card, card_checksum, load, load_split, names
from bench.datasets.splits import Split, make_split

__all__ = [
    "DATASETS", "DatasetCard", "SensitiveAttribute", "Split", "card", "card_checksum", "load", "load_card",
    "load_split", "make_split", "names",
]
