"""Tests of the ``sksynth`` command line, run in-process through ``main([...])``."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sksynth.cli import CLIError, load_model, main, parse_conditions, read_table
from sksynth.datasets import load_credit

TINY = ["--epochs", "2", "--batch-size", "50", "--param", "hidden_dims=(16,)",
        "--param", "latent_dim=8", "-q"]  # fmt: skip


@pytest.fixture(scope="module")
def data_csv(tmp_path_factory):
    frame = load_credit().sample(240, random_state=0).reset_index(drop=True)
    path = tmp_path_factory.mktemp("cli") / "data.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def cgan_model(data_csv):
    path = data_csv.parent / "cgan.joblib"
    code = main(["fit", str(data_csv), "--model", "conditional-gan", "--target", "Status",
                 "--out", str(path), *TINY])  # fmt: skip
    assert code == 0
    return path


def _one_error_line(capsys, *needles):
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "error" in lines[0]
    assert "Traceback" not in err
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


# ------------------------------------------------------------------------- help
@pytest.mark.parametrize("command", [[], ["assess"], ["clean"], ["fit"], ["sample"], ["evaluate"]])
def test_help_everywhere(command, capsys):
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: sksynth")
    assert "--debug" in out or not command


def test_no_command_is_one_line_error(capsys):
    assert main([]) == 2
    _one_error_line(capsys, "COMMAND")


def test_python_dash_m(data_csv):
    result = subprocess.run(
        [sys.executable, "-m", "sksynth", "fit", str(data_csv), "--model", "diffusion",
         "--out", "x.joblib"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "diffusion" in result.stderr and "conditional-gan" in result.stderr


# ------------------------------------------------------------------------- assess
def test_assess_writes_report(data_csv, tmp_path, capsys):
    out = tmp_path / "report.html"
    code = main(["assess", str(data_csv), "--target", "Status", "--out", str(out),
                 "--label-issues", "no", "-q"])  # fmt: skip
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<img" in page
    printed = capsys.readouterr().out
    assert "240" in printed and "Status" in printed


# ------------------------------------------------------------------------- clean
def test_clean_fixes_a_messy_table(tmp_path, capsys):
    rng = np.random.default_rng(0)
    n = 60
    income = rng.integers(100, 200, size=n).astype(str).astype(object)
    income[[3, 9]] = "?"
    frame = pd.DataFrame(
        {
            "income": income,
            "age": np.where(rng.random(n) < 0.1, np.nan, rng.integers(20, 70, size=n)),
            "job": rng.choice(["fixed", "freelance", "others"], size=n),
            "churn": rng.choice(["yes", "no"], size=n),
        }
    )
    frame = pd.concat([frame, frame.iloc[:5]], ignore_index=True)  # 5 exact duplicates
    src = tmp_path / "messy.csv"
    frame.to_csv(src, index=False)
    before = src.read_bytes()
    out = tmp_path / "clean.parquet"
    assert main(["clean", str(src), "--target", "churn", "--out", str(out), "-q"]) == 0
    clean = pd.read_parquet(out)
    assert src.read_bytes() == before
    assert list(clean.columns) == list(frame.columns)
    assert len(clean) == n  # the copies are gone, nothing else
    assert clean.drop(columns="churn").isna().sum().sum() == 0
    assert pd.api.types.is_numeric_dtype(clean["income"])
    assert clean["churn"].tolist() == frame["churn"].iloc[:n].tolist()
    printed = capsys.readouterr().out
    assert "5 row(s) dropped" in printed


def test_clean_keep_duplicates_and_csv_output(data_csv, tmp_path):
    out = tmp_path / "clean.csv"
    assert main(["clean", str(data_csv), "--keep-duplicates", "--out", str(out), "-q"]) == 0
    clean = pd.read_csv(out)
    assert clean.shape == (240, 14)


# ------------------------------------------------------------------------- fit / sample
def test_fit_saves_a_model_bundle(cgan_model):
    bundle = load_model(cgan_model)
    assert bundle["target"] == "Status"
    assert bundle["model"] == "conditional-gan"
    assert bundle["columns"][0] == "Status" and len(bundle["columns"]) == 14
    assert bundle["sampler"].epochs == 2 and bundle["sampler"].hidden_dims == (16,)


def test_sample_honours_conditions_in_chunks(cgan_model, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "synth.parquet"
    code = main(["sample", str(cgan_model), "--n", "25", "--chunk-size", "10",
                 "--conditions", "Status=bad,Home=rent", "--out", str(out), "-q"])  # fmt: skip
    assert code == 0
    synth = pd.read_parquet(out)
    assert synth.shape == (25, 14)
    assert list(synth.columns) == list(pd.read_csv(cgan_model.parent / "data.csv").columns)
    assert set(synth["Status"]) == {"bad"}
    assert set(synth["Home"]) == {"rent"}
    assert pq.ParquetFile(out).metadata.num_row_groups == 3  # written chunk by chunk


def test_sample_csv_is_reproducible_and_keeps_dtypes(cgan_model, data_csv, tmp_path):
    first, second, other = (tmp_path / f"{name}.csv" for name in ("a", "b", "c"))
    for path, seed, n in ((first, "3", "--n"), (second, "3", "-n"), (other, "4", "--n")):
        assert main(["sample", str(cgan_model), n, "30", "--chunk-size", "7",
                     "--random-state", seed, "--out", str(path), "-q"]) == 0  # fmt: skip
    assert first.read_bytes() == second.read_bytes()  # -n is --n
    assert first.read_bytes() != other.read_bytes()
    synth, real = read_table(first), read_table(data_csv)
    assert len(synth) == 30
    assert synth.dtypes.to_dict() == real.dtypes.to_dict()
    assert set(synth["Status"]) <= {"good", "bad"}


def test_unconditional_model_samples_a_class(data_csv, tmp_path):
    model = tmp_path / "vae.joblib"
    code = main(["fit", str(data_csv), "--model", "vae", "--target", "Status",
                 "--out", str(model), *TINY])  # fmt: skip
    assert code == 0
    out = tmp_path / "synth.csv"
    code = main(["sample", str(model), "--n", "12", "--conditions", "Status=good",
                 "--out", str(out), "-q"])  # fmt: skip
    assert code == 0
    assert read_table(out)["Status"].tolist() == ["good"] * 12


def test_fit_without_target(data_csv, tmp_path):
    model, out = tmp_path / "gan.joblib", tmp_path / "synth.csv"
    assert main(["fit", str(data_csv), "--model", "gan", "--out", str(model), *TINY]) == 0
    assert main(["sample", str(model), "--n", "9", "--out", str(out), "-q"]) == 0
    assert read_table(out).shape == (9, 14)


def test_fit_keeps_rules_unless_told_not_to(tmp_path, capsys):
    rng = np.random.default_rng(0)
    price = rng.integers(20, 200, 300) * 10
    frame = pd.DataFrame({"Price": price, "Amount": (price * rng.uniform(0.2, 1.0, 300)).round()})
    data = tmp_path / "orders.csv"
    frame.to_csv(data, index=False)
    kept, plain = tmp_path / "kept.sksynth", tmp_path / "plain.sksynth"
    tiny = [t for t in TINY if t != "-q"]
    assert main(["fit", str(data), "--model", "vae", "--out", str(kept), *tiny]) == 0
    assert "Amount < Price" in capsys.readouterr().err
    assert main(["fit", str(data), "--model", "vae", "--no-rules", "--out", str(plain), *TINY]) == 0
    assert load_model(plain)["sampler"].rules_ is None
    out = tmp_path / "synth.csv"
    assert main(["sample", str(kept), "--n", "200", "--out", str(out), "-q"]) == 0
    synth = read_table(out)
    assert (synth["Amount"] <= synth["Price"]).all()
    assert (synth["Price"] % 10 == 0).all()


def test_dates_in_a_csv_are_read_as_dates_and_generated_as_dates(tmp_path):
    rng = np.random.default_rng(0)
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, 300), unit="D")
    frame = pd.DataFrame({
        "visit": days.strftime("%Y-%m-%d"),
        "stamp": days.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cost": rng.gamma(2, 30, 300).round(2),
        "note": rng.choice(["2020-01-01", "later"], 300),  # not all dates: stays text
    })
    data = tmp_path / "visits.csv"
    frame.to_csv(data, index=False)
    read = read_table(data)
    assert read["visit"].dtype.kind == "M" and read["stamp"].dt.tz is not None
    assert read["note"].dtype.kind != "M" and set(read["note"]) == {"2020-01-01", "later"}
    assert (read["visit"].dt.strftime("%Y-%m-%d") == frame["visit"]).all()
    model, out = tmp_path / "vae.sksynth", tmp_path / "synth.csv"
    assert main(["fit", str(data), "--model", "vae", "--out", str(model), *TINY]) == 0
    assert main(["sample", str(model), "--n", "50", "--out", str(out), "-q"]) == 0
    synth = read_table(out)
    assert synth["visit"].dtype.kind == "M" and synth["stamp"].dtype.kind == "M"
    text = pd.read_csv(out, dtype=str)
    assert text["visit"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


# ------------------------------------------------------------------------- evaluate
def test_evaluate_writes_report(cgan_model, data_csv, tmp_path, capsys):
    synth = tmp_path / "synth.parquet"
    assert main(["sample", str(cgan_model), "--n", "120", "--out", str(synth), "-q"]) == 0
    out = tmp_path / "eval.html"
    code = main(["evaluate", str(data_csv), str(synth), "--target", "Status", "--no-detection",
                 "--out", str(out), "-q"])  # fmt: skip
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert "<img" in page
    printed = capsys.readouterr().out
    assert "fidelity" in printed and "tstr_ratio" in printed
    # no --holdout: utility is tested on rows the generator saw, and both say so
    assert "note: Utility is tested on a split of the real table" in printed
    assert "optimistic" in page


# ------------------------------------------------------------------------- bad input
def test_missing_file(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    assert main(["assess", str(missing), "-q"]) == 2
    _one_error_line(capsys, "nope.csv", "no such file")


def test_unknown_target(data_csv, tmp_path, capsys):
    out = tmp_path / "m.joblib"
    assert main(["fit", str(data_csv), "--target", "churn", "--out", str(out), *TINY]) == 2
    _one_error_line(capsys, "'churn'", "Status")
    assert not out.exists()


@pytest.mark.parametrize(
    "conditions, needles",
    [
        ("Status", ["Status", "column=value"]),
        ("Status=bad,Status=good", ["twice"]),
        ("churn=yes", ["'churn'", "Home"]),
        ("Status=maybe", ["maybe", "bad"]),
        ("Home=castle", ["castle", "rent"]),
    ],
)
def test_bad_conditions(cgan_model, tmp_path, capsys, conditions, needles):
    out = tmp_path / "synth.csv"
    code = main(["sample", str(cgan_model), "--n", "5", "--conditions", conditions,
                 "--out", str(out), "-q"])  # fmt: skip
    assert code == 2
    _one_error_line(capsys, *needles)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind either


def test_conditions_on_unconditional_model(data_csv, tmp_path, capsys):
    model = tmp_path / "gan.joblib"
    code = main(["fit", str(data_csv), "--model", "gan", "--target", "Status",
                 "--out", str(model), *TINY])  # fmt: skip
    assert code == 0
    code = main(["sample", str(model), "--n", "5", "--conditions", "Home=rent",
                 "--out", str(tmp_path / "s.csv"), "-q"])  # fmt: skip
    assert code == 2
    _one_error_line(capsys, "unconditional")


@pytest.mark.parametrize(
    "argv, needles",
    [
        (["fit", "{data}", "--model", "diffusion", "--out", "{tmp}/m.joblib"], ["diffusion"]),
        (["fit", "{data}", "--param", "colour=blue", "--out", "{tmp}/m.joblib"], ["colour"]),
        (["fit", "{data}", "--param", "nonsense", "--out", "{tmp}/m.joblib"], ["name=value"]),
        (["fit", "{data}", "--epochs", "0", "--out", "{tmp}/m.joblib"], ["epochs"]),
        (["fit", "{data}", "--epochs", "many", "--out", "{tmp}/m.joblib"], ["epochs", "auto"]),
        (["fit", "{data}", "--epochs", "auto", "--out", "{tmp}/m.joblib"], ["epochs", "auto"]),
        (["sample", "{data}", "--n", "5", "--out", "{tmp}/s.csv"], ["not a model file"]),
        (["sample", "{tmp}/none.joblib", "--n", "5", "--out", "{tmp}/s.csv"], ["no such file"]),
        (["clean", "{data}", "--out", "{tmp}/clean.xlsx"], ["unknown file type", ".parquet"]),
        (["evaluate", "{data}", "{tmp}/none.csv"], ["SYNTHETIC", "no such file"]),
        (["sample", "x.joblib", "--n", "many", "--out", "s.csv"], ["--n", "many"]),
    ],
)
def test_bad_input_is_one_line_exit_2(data_csv, tmp_path, capsys, argv, needles):
    argv = [a.format(data=data_csv, tmp=tmp_path) for a in argv]
    assert main([*argv, "-q"]) == 2
    _one_error_line(capsys, *needles)


def test_evaluate_mismatched_columns(data_csv, tmp_path, capsys):
    other = tmp_path / "other.csv"
    read_table(data_csv).drop(columns=["Age"]).to_csv(other, index=False)
    assert main(["evaluate", str(data_csv), str(other), "-q"]) == 2
    _one_error_line(capsys, "Age")


def test_debug_shows_the_traceback(tmp_path, capsys):
    assert main(["assess", str(tmp_path / "nope.csv"), "--debug"]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_empty_file(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main(["clean", str(empty), "--out", str(tmp_path / "c.csv"), "-q"]) == 2
    _one_error_line(capsys, "empty")


def test_parse_conditions():
    assert parse_conditions(["a=1, b = x y", "c=z"]) == {"a": "1", "b": "x y", "c": "z"}
    assert parse_conditions(None) == {}
    with pytest.raises(CLIError, match="column=value"):
        parse_conditions("a=")


# ------------------------------------------------------------------------- --kinds
def _text_numbers_csv(tmp_path):
    rng = np.random.default_rng(1)
    codes = rng.integers(100, 120, size=50).astype(str).astype(object)
    codes[:9] = [f"X{i}" for i in range(9)]  # mostly numbers, some codes: ambiguous
    frame = pd.DataFrame({"code": codes, "amount": rng.normal(100, 10, size=50).round(2)})
    path = tmp_path / "codes.csv"
    frame.to_csv(path, index=False)
    return path, frame


def test_ambiguous_column_advises_the_kinds_option(tmp_path, capsys):
    src, _ = _text_numbers_csv(tmp_path)
    assert main(["clean", str(src), "--out", str(tmp_path / "c.csv"), "-q"]) == 2
    line = _one_error_line(capsys, "--kinds code=categorical")
    assert "kinds={" not in line
    assert not (tmp_path / "c.csv").exists()


def test_kinds_option_settles_an_ambiguous_column(tmp_path, capsys):
    src, frame = _text_numbers_csv(tmp_path)
    out = tmp_path / "c.csv"
    code = main(["clean", str(src), "--kinds", "code=categorical", "--out", str(out), "-q"])
    assert code == 0
    clean = pd.read_csv(out, dtype={"code": str})
    assert clean["code"].tolist() == frame["code"].tolist()  # kept as text, values untouched
    out = tmp_path / "c2.csv"
    code = main(["clean", str(src), "--kinds", "code=continuous", "--out", str(out), "-q"])
    assert code == 0
    clean = pd.read_csv(out)
    assert pd.api.types.is_float_dtype(clean["code"])
    assert clean["code"].isna().sum() == 0  # the codes became missing, then were filled


@pytest.mark.parametrize(
    "kinds, needles",
    [
        ("Amount=money", ["'money'", "continuous", "categorical"]),
        ("Wealth=continuous", ["'Wealth'", "Amount"]),
        ("Amount", ["--kinds", "column=value"]),
        ("Status=categorical", ["--target"]),
        ("Amount=continuous,Amount=integer", ["twice"]),
    ],
)
def test_bad_kinds(data_csv, tmp_path, capsys, kinds, needles):
    out = tmp_path / "m.sksynth"
    code = main(["fit", str(data_csv), "--target", "Status", "--kinds", kinds,
                 "--out", str(out), *TINY])  # fmt: skip
    assert code == 2
    _one_error_line(capsys, *needles)
    assert not out.exists()


def test_fit_passes_kinds_to_the_encoder(data_csv, tmp_path):
    model = tmp_path / "vae.sksynth"
    code = main(["fit", str(data_csv), "--model", "vae", "--kinds", "Time=categorical",
                 "--out", str(model), *TINY])  # fmt: skip
    assert code == 0
    sampler = load_model(model)["sampler"]
    assert sampler.encoder_params["column_kinds"] == {"Time": "categorical"}


def test_clean_changes_no_valid_value_unless_asked_to_clip(tmp_path, capsys):
    rng = np.random.default_rng(0)
    assets = rng.gamma(2.0, 3000.0, 200).round()
    assets[:3] = [300000.0, 250000.0, 400000.0]  # valid, far out in the tail
    src = tmp_path / "assets.csv"
    pd.DataFrame({"Assets": assets, "Age": rng.integers(18, 80, 200)}).to_csv(src, index=False)
    kept, clipped = tmp_path / "kept.csv", tmp_path / "clipped.csv"
    assert main(["clean", str(src), "--out", str(kept), "-q"]) == 0
    np.testing.assert_array_equal(pd.read_csv(kept)["Assets"], assets)
    capsys.readouterr()
    assert main(["clean", str(src), "--clip", "--out", str(clipped), "-q"]) == 0
    assert pd.read_csv(clipped)["Assets"].max() < 300000.0
    assert "Assets" in capsys.readouterr().out


# ------------------------------------------------------------------------- thousands
def test_clean_parses_thousands_separators(tmp_path, capsys):
    frame = pd.DataFrame(
        {
            "income": ["1,200", "950", "?", "12,345.5", "-3,000", "700"],
            "city": ["Lyon", "1,000", "Nice", "Metz", "Lille", "Paris"],
            "churn": ["yes", "no", "yes", "no", "yes", "no"],
        }
    )
    src = tmp_path / "money.csv"
    frame.to_csv(src, index=False)
    out = tmp_path / "clean.csv"
    code = main(["clean", str(src), "--target", "churn", "--impute", "none",
                 "--out", str(out), "-q"])  # fmt: skip
    assert code == 0
    clean = pd.read_csv(out, keep_default_na=False, na_values=[""])
    assert clean["income"].tolist()[:2] == [1200.0, 950.0]
    assert np.isnan(clean["income"][2])
    assert clean["income"].tolist()[3:] == [12345.5, -3000.0, 700.0]
    assert clean["city"].tolist() == frame["city"].tolist()  # a text column stays as it was
    printed = capsys.readouterr().out
    assert "income: 3 value(s) with separators" in printed
    assert "city" not in printed


def test_thousands_none_leaves_separated_numbers_as_text(tmp_path):
    src = tmp_path / "money.csv"
    pd.DataFrame({"income": ["1,200", "2,950", "3,100"], "n": [1, 2, 3]}).to_csv(src, index=False)
    out = tmp_path / "clean.csv"
    assert main(["clean", str(src), "--thousands", "none", "--out", str(out), "-q"]) == 0
    assert pd.read_csv(out)["income"].tolist() == ["1,200", "2,950", "3,100"]


def test_clean_prints_every_change_per_column(tmp_path, capsys):
    frame = pd.DataFrame({"age": [30.0, np.nan, 41.0, 35.0, np.nan, 28.0], "job": list("abcdef")})
    src = tmp_path / "t.csv"
    frame.to_csv(src, index=False)
    assert main(["clean", str(src), "--out", str(tmp_path / "c.csv"), "-q"]) == 0
    printed = capsys.readouterr().out
    assert "age: 2 missing value(s) filled" in printed
    assert "job:" not in printed


# ------------------------------------------------------------------------- outputs checked first
@pytest.mark.parametrize(
    "argv, needles",
    [
        (["sample", "{model}", "--n", "5", "--out", "{tmp}/synth.txt"], ["synth.txt", ".csv"]),
        (["sample", "{model}", "--n", "5", "--out", "{tmp}/synth.csv.gz"], ["compressed"]),
        (["fit", "{data}", "--out", "{tmp}"], ["folder"]),
        (["assess", "{data}", "--out", "{tmp}/report.pdf"], ["report.pdf", ".html"]),
        (["evaluate", "{data}", "{data}", "--out", "{tmp}/r.csv"], ["r.csv", ".html"]),
        (["clean", "{data}", "--out", "{tmp}/clean.json"], ["clean.json", ".parquet"]),
    ],
)
def test_bad_output_fails_before_any_work(cgan_model, data_csv, tmp_path, capsys, argv, needles):
    argv = [a.format(model=cgan_model, data=data_csv, tmp=tmp_path) for a in argv]
    assert main(argv) == 2  # no -q: a progress message would show on standard error
    _one_error_line(capsys, *needles)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------- damaged model file
def test_truncated_model_file_is_reported_as_damaged(cgan_model, tmp_path, capsys):
    data = cgan_model.read_bytes()
    cut = tmp_path / "cut.sksynth"
    cut.write_bytes(data[: len(data) // 2])
    code = main(["sample", str(cut), "--n", "5", "--out", str(tmp_path / "s.csv"), "-q"])
    assert code == 2
    line = _one_error_line(capsys, "cut.sksynth", "damaged or incomplete", "sksynth fit")
    assert "joblib" not in line and "pickle" not in line


def test_help_says_model_files_are_not_pickles(capsys):
    assert main(["--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "not pickles" in out and "runs no code" in out


@pytest.mark.parametrize("command", ["assess", "evaluate"])
def test_assess_and_evaluate_check_kinds(data_csv, tmp_path, capsys, command):
    tables = [str(data_csv)] * (2 if command == "evaluate" else 1)
    code = main([command, *tables, "--kinds", "Time=categorical,Wealth=integer", "-q"])
    assert code == 2
    _one_error_line(capsys, "'Wealth'", "Amount")


def test_assess_uses_kinds(data_csv, capsys):
    code = main(["assess", str(data_csv), "--label-issues", "no", "-q"])
    assert code == 0
    default = capsys.readouterr().out
    code = main(["assess", str(data_csv), "--label-issues", "no", "--kinds", "Time=categorical",
                 "-q"])  # fmt: skip
    assert code == 0
    forced = capsys.readouterr().out

    def time_row(printed):
        return next(line.split() for line in printed.splitlines() if line.startswith("Time "))

    assert time_row(default)[1] == "integer"
    assert time_row(forced)[1] == "categorical"
