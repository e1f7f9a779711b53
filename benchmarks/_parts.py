"""The benchmark parts: names, their modules, and what ``make bench`` runs."""

from __future__ import annotations

import importlib

# part name -> module of this package
PARTS = {
    "speed": "speed",
    "quality": "quality",
    "augment": "augment",
    "encoder": "encoder",
    "profile": "profile",
    "fit-memory": "fit_memory",
    "sweep": "sweep",
    "condition-link": "condition_link",
    "gpu-timing": "gpu_timing",
    "rules": "rules",
    "real-tables": "real_tables",
    "threads": "threads",
    "private": "private",
}
# what ``make bench`` runs (about an hour on 2 cores, one thread)
DEFAULT_PARTS = ["speed", "quality", "augment", "encoder"]


def part_module(name):
    """The module of part ``name``."""
    if name not in PARTS:
        raise SystemExit(f"unknown part {name!r}; parts: {', '.join(PARTS)}")
    return importlib.import_module(f"{__package__}.{PARTS[name]}")
