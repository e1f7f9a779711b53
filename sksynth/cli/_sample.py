"""``sksynth sample``: draw synthetic rows from a model file, chunk by chunk."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from ._common import CLIError, column_list, info
from ._model import load_model
from ._options import match_value, parse_conditions
from ._tables import check_table_output, write_chunks

__all__ = ["run"]


def _resolve_conditions(bundle: dict, texts):
    """Split parsed conditions into the label ``y`` and the column ``conditions``."""
    sampler, target, columns = bundle["sampler"], bundle.get("target"), bundle["columns"]
    wanted = parse_conditions(texts)
    label = None
    conditions = {}
    layout = getattr(sampler, "condition_", None)
    for column, text in wanted.items():
        if column not in columns:
            raise CLIError(
                f"--conditions: {column!r} is not a column of the model's table; its columns "
                f"are {column_list(columns)}"
            )
        if column == target:
            classes = list(sampler.classes_)
            label = match_value(text, classes)
            if not any(str(c) == str(label) for c in classes):
                raise CLIError(
                    f"--conditions: {target}={text!r} is not a class of the target; the "
                    f"classes are {', '.join(map(str, classes))}"
                )
            continue
        known = ()
        if layout is not None and column in layout.columns:
            known = layout.categories[layout.columns.index(column)]
        conditions[column] = match_value(text, known)
    return label, conditions


def _assemble(out, bundle: dict) -> pd.DataFrame:
    """One chunk of the sampler's output as the table's columns, in their order."""
    target = bundle.get("target")
    if isinstance(out, tuple):
        X_new, y_new = out
        frame = X_new.reset_index(drop=True)
        if target is not None:
            frame[target] = pd.Series(y_new).reset_index(drop=True)
        return frame[bundle["columns"]]
    return out.reset_index(drop=True)


def _frames(chunks, bundle: dict, bar):
    """Yield the chunks as tables, counted on the progress bar as they are written."""
    for out in chunks:
        frame = _assemble(out, bundle)
        bar.update(len(frame))
        yield frame


def run(args) -> int:
    """Draw ``args.n`` rows from the model ``args.model`` and write them to ``args.out``."""
    check_table_output(args.out)
    if args.n < 1:
        raise CLIError(f"--n must be a positive number of rows; got {args.n}")
    if args.chunk_size < 1:
        raise CLIError(f"--chunk-size must be a positive number of rows; got {args.chunk_size}")
    bundle = load_model(args.model, option="MODEL")
    sampler = bundle["sampler"]
    label, conditions = _resolve_conditions(bundle, args.conditions)
    seed = args.random_state
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    # Fail on bad conditions before the output file is opened.
    _assemble(sampler.sample(1, y=label, conditions=conditions or None, random_state=seed), bundle)
    info(args, f"sampling {args.n} rows from {args.model} ({bundle.get('model')})")
    chunks = sampler.iter_samples(
        args.n, args.chunk_size, y=label, conditions=conditions or None, random_state=seed
    )
    with tqdm(
        total=args.n, unit="row", unit_scale=True, disable=args.quiet, file=sys.stderr
    ) as bar:
        write_chunks(_frames(chunks, bundle, bar), args.out)
    print(f"{args.n} synthetic rows written to {args.out}")
    return 0
