"""``sksynth fit``: fit a generator on a table and save it as a model file."""

from __future__ import annotations

from ._common import CLIError, info
from ._model import check_model_output, make_sampler, save_model
from ._options import parse_kinds, parse_params
from ._tables import read_table, target_column

__all__ = ["run"]


def _sampler(args, kinds):
    """Build the sampler of ``--model`` with the options and ``--param`` values."""
    params = {"batch_size": args.batch_size}
    if args.epochs is not None:
        params["epochs"] = args.epochs
    if args.random_state is not None:
        params["random_state"] = args.random_state
    params.update(parse_params(args.param))
    if getattr(args, "no_rules", False):
        params["rules"] = None
    params["verbose"] = 0 if args.quiet else 1
    sampler = make_sampler(args.model)
    valid = sampler.get_params()
    unknown = [key for key in params if key not in valid]
    if unknown:
        raise CLIError(
            f"--param {unknown[0]!r} is not a parameter of --model {args.model}; valid ones "
            f"are {', '.join(sorted(valid))}"
        )
    if kinds:
        encoder_params = dict(params.get("encoder_params") or {})
        encoder_params["column_kinds"] = {**(encoder_params.get("column_kinds") or {}), **kinds}
        params["encoder_params"] = encoder_params
    return sampler.set_params(**params)


def run(args) -> int:
    """Fit ``args.model`` on ``args.data`` and save it to ``args.out``."""
    out = check_model_output(args.out)
    frame = read_table(args.data, option="DATA")
    X, y = target_column(frame, args.target, option=str(args.data))
    kinds = parse_kinds(args.kinds, X.columns, target=args.target)
    sampler = _sampler(args, kinds)
    info(
        args,
        f"fitting {args.model} (epochs: {sampler.epochs}) on {X.shape[0]} rows x "
        f"{X.shape[1]} columns" + (f", target {args.target!r}" if y is not None else ""),
    )
    sampler.fit(X, y)
    kept = getattr(sampler, "rules_", None)
    if kept is not None:
        info(args, f"keeping {len(kept.rules_)} rule(s) between columns in every generated row:")
        for rule in kept.rules_:
            info(args, f"  {rule.formula}")
    save_model(
        {
            "model": args.model,
            "sampler": sampler.set_params(verbose=0, callbacks=None),
            "target": args.target,
            "columns": list(frame.columns),
            "n_rows": int(frame.shape[0]),
            "source": str(args.data),
        },
        out,
    )
    print(f"model written to {out}")
    return 0
