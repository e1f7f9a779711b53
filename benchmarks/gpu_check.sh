#!/usr/bin/env bash
# The GPU check: run from the repository root on a machine with a CUDA GPU.
#
#   bash benchmarks/gpu_check.sh [OUTPUT_DIR]
#
# 1. the tests that need CUDA (tests/gpu and the CUDA cases of the other modules),
# 2. epoch and sampling times on the GPU against the same machine's CPU, ours and
#    the ctgan package's (the gpu-timing part of benchmarks/run.py),
# 3. the whole test suite on that machine's Python and libraries (skipped with
#    GPU_CHECK_FULL_SUITE=0, to spare device time).
# Wheels in ./.whl (skorch, imbalanced-learn, ... for an image that lacks them) are
# installed into a scratch folder first; nothing is fetched from the network.
set -u
out=${1:-${OUT:-gpu_check_output}}
mkdir -p "$out"
export PYTHONUNBUFFERED=1
if compgen -G ".whl/*.whl" >/dev/null; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/sksynth_site .whl/*.whl || exit 1
    export PYTHONPATH=/tmp/sksynth_site
fi
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH}
nvidia-smi -L
python3 - <<'PY' || exit 1
import importlib, platform
import torch
print("python", platform.python_version(), "| cuda", torch.cuda.is_available(),
      torch.cuda.get_device_name(0) if torch.cuda.is_available() else "-")
for name in ["torch", "numpy", "pandas", "scipy", "sklearn", "skorch", "imblearn", "sksynth"]:
    module = importlib.import_module(name)
    print(f"{name:9s}", getattr(module, "__version__", "?"), module.__file__)
PY
timeout 200 python3 -m pytest -p no:cacheprovider -q -rA -n 4 tests/gpu \
    tests/reliability/test_determinism.py tests/test_base.py -k "cuda or gpu" \
    2>&1 | tee "$out/pytest_gpu.log" | grep -v "^PASSED"
timeout 240 python3 -m benchmarks.run --part gpu-timing --threads "$(nproc)" \
    --results "$out" --no-summary 2>&1 | tee "$out/gpu_timing.log" | grep -v '^{"device"'
if [ "${GPU_CHECK_FULL_SUITE:-1}" != 0 ]; then
    timeout 150 python3 -m pytest -p no:cacheprovider -q -n 12 2>&1 \
        | tee "$out/full_suite.log" | tail -25
fi
