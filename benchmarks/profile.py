"""Profile: where the time of one ``ConditionalGANSampler`` fit (and of its sampling) goes.

Two views of the same run:

- *phases*: the library's own steps are wrapped with wall-clock timers
  (encoding, drawing batches and conditional vectors, generator forward,
  critic and gradient-penalty forward, generator loss, backward passes,
  optimizer steps, the rest of the train step, skorch's bookkeeping) and, for
  sampling, the network's forward pass against the decoding to a DataFrame;
- *functions*: ``cProfile`` of a second identical fit, the functions with the
  most own time (torch's C operators appear as ``{built-in method ...}``).

The phases are exclusive: backward and optimizer time is counted where it is
spent, not inside the step that calls it.
"""

from __future__ import annotations

import contextlib
import cProfile
import pstats
import time
from collections import defaultdict

from . import _data, _models
from ._env import Timer, quiet


class _Phases:
    def __init__(self):
        self.total = defaultdict(float)
        self.calls = defaultdict(int)
        self._stack = []
        self.sampling = False

    @contextlib.contextmanager
    def phase(self, name):
        start = time.perf_counter()
        self._stack.append([name, 0.0])
        try:
            yield
        finally:
            own_name, inner = self._stack.pop()
            spent = time.perf_counter() - start
            self.total[own_name] += spent - inner
            self.calls[own_name] += 1
            if self._stack:
                self._stack[-1][1] += spent

    def wrap(self, owner, attr, name, sampling_name=None):
        """Time ``owner.attr`` as ``name`` (``sampling_name`` while sampling)."""
        original = getattr(owner, attr)
        phases = self

        def timed(*args, **kwargs):
            label = sampling_name if (phases.sampling and sampling_name) else name
            with phases.phase(label):
                return original(*args, **kwargs)

        setattr(owner, attr, timed)
        return owner, attr, original


def _wrap_iterator(phases, iterator_cls):
    original = iterator_cls.__iter__

    def timed_iter(self):
        inner = original(self)
        while True:
            with phases.phase("draw batches + conditional vectors"):
                try:
                    batch = next(inner)
                except StopIteration:
                    return
            yield batch

    iterator_cls.__iter__ = timed_iter
    return iterator_cls, "__iter__", original


@contextlib.contextmanager
def instrumented():
    """Patch the library's steps with phase timers; undo on exit."""
    import torch
    from skorch import NeuralNet

    from sksynth.encoding import TabularEncoder
    from sksynth.generators import BaseGenerativeSampler
    from sksynth.nn import Critic, GANNet, Generator, SpanActivation, TensorBatchIterator

    phases = _Phases()
    original_sample = GANNet.sample

    def sample(self, *args, **kwargs):
        phases.sampling = True
        try:
            with phases.phase("sampling: rest of net.sample (noise, chunks, concatenation)"):
                return original_sample(self, *args, **kwargs)
        finally:
            phases.sampling = False

    patches = [
        phases.wrap(
            BaseGenerativeSampler, "_fit_encoder", "encoding (TabularEncoder fit+transform)"
        ),
        phases.wrap(BaseGenerativeSampler, "_train", "setup (nets, condition layout, tensors)"),
        phases.wrap(NeuralNet, "fit", "skorch bookkeeping (fit loop, history, callbacks)"),
        phases.wrap(GANNet, "train_step", "train step: rest (losses .item(), requires_grad, ...)"),
        phases.wrap(GANNet, "_fake", "generator: noise draw"),
        phases.wrap(Generator, "forward", "generator MLP forward",
                    "sampling: generator MLP forward"),
        phases.wrap(SpanActivation, "forward", "output heads (Gumbel-softmax)",
                    "sampling: output heads (Gumbel draws, one-hot)"),
        phases.wrap(Critic, "forward", "critic forward"),
        phases.wrap(GANNet, "_critic_loss", "critic loss: gradient penalty (double backward) "
                    "and loss arithmetic"),
        phases.wrap(GANNet, "_generator_loss", "generator loss: condition loss and arithmetic"),
        phases.wrap(torch.Tensor, "backward", "backward passes"),
        phases.wrap(torch.optim.Adam, "step", "optimizer steps (Adam)"),
        phases.wrap(torch.optim.Optimizer, "zero_grad", "optimizer zero_grad"),
        (GANNet, "sample", original_sample),
        phases.wrap(TabularEncoder, "inverse_transform", "sampling: decoding to a DataFrame"),
        _wrap_iterator(phases, TensorBatchIterator),
    ]
    GANNet.sample = sample
    try:
        yield phases
    finally:
        for owner, attr, original in reversed(patches):
            setattr(owner, attr, original)


@contextlib.contextmanager
def instrumented_vae_sampling():
    """Phase timers for the sampling path of the VAE samplers."""
    from sksynth.encoding import TabularEncoder
    from sksynth.nn import SpanActivation, TabularVAE, VAENet

    phases = _Phases()
    phases.sampling = True
    patches = [
        phases.wrap(VAENet, "sample", "sampling: rest of net.sample (noise, clamp, chunks)"),
        phases.wrap(TabularVAE, "decode", "sampling: decoder MLP forward"),
        phases.wrap(SpanActivation, "forward", "sampling: output heads (Gumbel draws, one-hot)"),
        phases.wrap(TabularEncoder, "inverse_transform", "sampling: decoding to a DataFrame"),
    ]
    try:
        yield phases
    finally:
        for owner, attr, original in reversed(patches):
            setattr(owner, attr, original)


def vae_sampling(frame, epochs, sample_rows, seed):
    """Phases of ``ConditionalVAESampler.sample`` (after an uninstrumented fit)."""
    model = _models.make("sksynth.ConditionalVAE", epochs, seed)
    with quiet():
        model.fit(frame)
    with instrumented_vae_sampling() as phases, quiet(), Timer() as t:
        model.sample(sample_rows)
    out = dict(phases.total)
    out["sampling: rest (condition vectors, sampler glue)"] = max(
        t.seconds - sum(out.values()), 0.0
    )
    return t.seconds, out


def _fit_and_sample(frame, epochs, sample_rows, seed):
    model = _models.make("sksynth.ConditionalGAN", epochs, seed)
    with quiet(), Timer() as fit_t:
        model.fit(frame)
    with quiet(), Timer() as sample_t:
        model.sample(sample_rows)
    return fit_t.seconds, sample_t.seconds


def profile_fit(*, dataset="credit", epochs=10, sample_rows=100_000, seed=0, top=25, log=print):
    """Profile one fit + sampling; return phase shares and the top functions."""
    ds = _data.load(dataset)
    frame = ds.train
    with instrumented() as phases:
        fit_s, sample_s = _fit_and_sample(frame, epochs, sample_rows, seed)
    fit_phases = {k: v for k, v in phases.total.items() if not k.startswith("sampling")}
    sample_phases = {k: v for k, v in phases.total.items() if k.startswith("sampling")}
    sample_phases["sampling: rest (condition vectors, sampler glue)"] = max(
        sample_s - sum(sample_phases.values()), 0.0
    )
    fit_phases["fit: rest (validation, sampler glue)"] = max(fit_s - sum(fit_phases.values()), 0.0)
    steps = max(len(frame) // _models.GAN_SETTINGS["batch_size"], 1) * epochs

    vae_s, vae_phases = vae_sampling(frame, epochs, sample_rows, seed)
    for name, sec in sorted(vae_phases.items(), key=lambda kv: -kv[1]):
        log(f"  profile VAE sample {name:53s} {sec:7.3f}s {100 * sec / vae_s:5.1f}%")

    profiler = cProfile.Profile()
    profiler.enable()
    prof_fit_s, _ = _fit_and_sample(frame, epochs, 1, seed)
    profiler.disable()
    stats = pstats.Stats(profiler)
    functions = []
    total_tt = sum(v[2] for v in stats.stats.values())
    for (path, line, func), (cc, nc, tt, ct, _) in sorted(
        stats.stats.items(), key=lambda kv: kv[1][2], reverse=True
    )[:top]:
        where = path.split("site-packages/")[-1].split("/work/main/")[-1]
        functions.append(
            {"function": f"{where}:{line}({func})" if line else func, "calls": nc,
             "own_seconds": tt, "cumulative_seconds": ct, "share": tt / total_tt}
        )
    for name, sec in sorted(fit_phases.items(), key=lambda kv: -kv[1]):
        log(f"  profile fit   {name:58s} {sec:7.3f}s {100 * sec / fit_s:5.1f}%")
    for name, sec in sorted(sample_phases.items(), key=lambda kv: -kv[1]):
        log(f"  profile sample {name:57s} {sec:7.3f}s {100 * sec / sample_s:5.1f}%")
    return {
        "dataset": dataset,
        "train_rows": len(frame),
        "epochs": epochs,
        "steps": steps,
        "fit_seconds": fit_s,
        "ms_per_step": 1000 * sum(v for k, v in fit_phases.items()
                                  if not k.startswith(("encoding", "setup", "fit: rest")))
        / steps,
        "fit_phases": fit_phases,
        "sample_rows": sample_rows,
        "sample_seconds": sample_s,
        "sample_phases": sample_phases,
        "vae_sample_seconds": vae_s,
        "vae_sample_phases": vae_phases,
        "cprofile_fit_seconds": prof_fit_s,
        "top_functions": functions,
    }


def add_arguments(parser):
    parser.add_argument("--dataset", action="append", choices=_data.DATASETS,
                        help="dataset to profile (the first one given; default credit)")
    parser.add_argument("--epochs", type=int, default=None, help="epochs (default 10)")
    parser.add_argument("--sample-rows", type=int, default=None,
                        help="rows sampled (default 200000)")


def run(args):
    """Profile one fit and one sampling of the conditional GAN (and the VAE's sampling)."""
    dataset = (getattr(args, "dataset", None) or ["credit"])[0]
    epochs = getattr(args, "epochs", None) or (2 if args.quick else 10)
    rows = getattr(args, "sample_rows", None) or (10_000 if args.quick else 200_000)
    return profile_fit(dataset=dataset, epochs=epochs, sample_rows=rows, seed=args.seed,
                       log=args.log)
