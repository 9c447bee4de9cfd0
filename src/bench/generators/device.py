"""Where the deep generators train: ``resolve_device("auto")`` picks CUDA when a GPU is present.

torch is imported only when a device is actually resolved, never on ``import bench``.
"""

from __future__ import annotations

from bench.generators.base import GeneratorError

DEVICES = ("auto", "cpu", "cuda")


def check_device(device: str) -> str:
    """``device`` in lower case if it is auto, cpu, cuda or cuda:N; otherwise a ``GeneratorError``.

    Example:
        >>> check_device("CUDA:1")
        'cuda:1'
    """
    requested = str(device).lower()
    if requested not in DEVICES and not requested.startswith("cuda:"):
        raise GeneratorError(f"device must be one of {', '.join(DEVICES)} (or cuda:N), got '{device}'")
    return requested


def resolve_device(device: str = "auto") -> str:
    """Turn ``auto`` / ``cpu`` / ``cuda`` (or ``cuda:N``) into the device a run really uses.

    ``auto`` is ``cuda`` when torch sees a GPU, else ``cpu``; asking for ``cuda`` without one is an error.

    Example:
        >>> resolve_device("cpu")
        'cpu'
    """
    requested = check_device(device)
    if requested == "cpu":
        return "cpu"
    import torch

    available = torch.cuda.is_available()
    if requested == "auto":
        return "cuda" if available else "cpu"
    if not available:
        raise GeneratorError(f"device '{device}' was asked for but torch sees no GPU; use device=auto or cpu")
    return requested
