"""Datasets: cards, loaders, schema checks, splits. ``load_split(name)`` is the entry point; ``from_csv`` reads
your own."""

from bench.datasets.cards import DatasetCard, SensitiveAttribute, load_card
from bench.datasets.registry import DATASETS, card, card_checksum, load, load_split, names
from bench.datasets.schema import check_synthetic, validate_frame
from bench.datasets.splits import Split, make_split
from bench.datasets.user_data import from_csv

__all__ = [
    "DATASETS", "DatasetCard", "SensitiveAttribute", "Split", "card", "card_checksum", "load", "load_card",
    "load_split", "make_split", "names", "check_synthetic", "from_csv", "validate_frame",
]
