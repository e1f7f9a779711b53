"""Imports go down the layers: importing a package never loads one above it."""

import subprocess
import sys

import pytest

# what each package may load (besides itself and the root package)
BELOW = {
    "sksynth.utils": set(),
    "sksynth.encoding": {"utils", "exceptions"},
    "sksynth.nn": {"utils", "exceptions"},
    "sksynth.rules": {"utils", "exceptions"},
    "sksynth.metrics": {"utils", "exceptions", "rules"},
    "sksynth.quality": {"utils", "exceptions", "rules", "preprocessing"},
    "sksynth.io": {"utils", "exceptions", "encoding", "nn", "rules"},
    "sksynth.generators": {
        "utils", "exceptions", "encoding", "nn", "io", "metrics", "preprocessing", "quality",
        "datasets", "rules",
    },
}


@pytest.mark.parametrize("package", sorted(BELOW))
def test_a_package_loads_only_the_layers_below_it(package):
    code = (
        f"import sys, {package}\n"
        "print(' '.join(sorted({m.split('.')[1] for m in sys.modules "
        "if m.startswith('sksynth.') and m.count('.') >= 1})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    loaded = set(out) - {package.split(".")[1]}
    assert loaded <= BELOW[package], f"{package} loads {sorted(loaded - BELOW[package])}"


def test_only_samplers_with_state_hooks_can_be_registered():
    from sksynth.io._registry import register_sampler

    class NotASampler:
        pass

    with pytest.raises(TypeError, match="_get_model_state"):
        register_sampler(NotASampler)
