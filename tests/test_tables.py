"""Tests of winenet.data.tables and winenet.data.preprocessing: validating a table, splitting, normalising."""

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine

from winenet.data.preprocessing import (
    apply_normalisation,
    fit_normalisation,
    resolve_features,
    split_normalise,
    split_table,
)
from winenet.data.tables import load_table
from winenet.jobs.errors import DataValidationError

WINE = Path(__file__).resolve().parents[1] / "data" / "wine.csv"
LABEL = "Producer"
FEATURES = [
    "Alcohol",
    "Malic_acid",
    "Ash",
    "Alcalinity_of_ash",
    "Mg",
    "Total_phenols",
    "Flavanoids",
    "Nonflavanoid_phenols",
    "Proanthocyanins",
    "Color_intensity",
    "Hue",
    "OD280_OD315",
    "Proline",
]

# A small clean table: two features, classes 1 and 2 with three rows each.
CLEAN = "y,a,b\n1,1.5,10\n1,2.5,20\n1,3.5,30\n2,4.5,40\n2,5.5,50\n2,6.5,60\n"


def with_column(name, value="7"):
    """CLEAN with one more column called `name`, holding `value` in every row."""
    header, *rows = CLEAN.splitlines()
    return "".join(f"{line},{cell}\n" for line, cell in [(header, name)] + [(r, value) for r in rows])


def write(tmp_path, content, name="x.csv"):
    """Write str (as UTF-8) or bytes to tmp_path/name and return its path."""
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


@pytest.fixture(scope="module")
def wine():
    return load_table(WINE, LABEL, FEATURES)


def test_wine_csv_equals_sklearn_copy(wine):
    reference = load_wine()
    header = WINE.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header == [LABEL, *FEATURES]
    assert list(wine.columns) == [LABEL, *FEATURES]
    assert len(wine) == 178
    assert wine[LABEL].dtype == np.int64
    assert (wine[FEATURES].dtypes == np.float64).all()
    np.testing.assert_array_equal(wine[FEATURES].to_numpy(), reference.data)
    np.testing.assert_array_equal(wine[LABEL].to_numpy(), reference.target + 1)
    assert wine[LABEL].value_counts().sort_index().tolist() == [59, 71, 48]


def test_all_features_in_file_order_and_configured_order_kept():
    assert load_table(WINE, LABEL, "all").columns.tolist() == [LABEL, *FEATURES]
    chosen = ["Proline", "Alcohol"]
    assert load_table(WINE, LABEL, chosen).columns.tolist() == [LABEL, *chosen]
    assert resolve_features(["a", "y", "b"], "y", "all") == ["a", "b"]
    with pytest.raises(DataValidationError, match="'c' not found"):
        resolve_features(["a", "y", "b"], "y", ["a", "c"])


# Each case: file content, then fragments the message must contain (file name is always checked).
MALFORMED = {
    "empty file": ("", ["file is empty"]),
    "only blank lines": ("\n  \n\n", ["file is empty"]),
    "header only": ("y,a,b\n", ["no data rows"]),
    "missing header name": (with_column(""), ["line 1", "column 4 has an empty name"]),
    "duplicated header": (with_column("a"), ["line 1", "'a' is repeated (columns 2 and 4)"]),
    "label absent": (CLEAN.replace("y,a,b", "z,a,b"), ["line 1", "label column 'y' not found"]),
    "feature absent": (CLEAN.replace("y,a,b", "y,a,c"), ["line 1", "feature column 'b' not found"]),
    "non-numeric cell": (
        CLEAN.replace("2.5", "abc"),
        ["line 3, column 'a'", "'abc' is not a number"],
    ),
    "decimal comma": (
        CLEAN.replace("2.5,20", '"2,5",20'),
        ["line 3, column 'a'", "'2,5' is not a number"],
    ),
    "empty cell": (CLEAN.replace("2.5", ""), ["line 3, column 'a'", "is empty"]),
    "spaces-only cell": (CLEAN.replace("2.5", "   "), ["line 3, column 'a'", "is empty"]),
    "infinite cell": (CLEAN.replace("20", "inf"), ["line 3, column 'b'", "'inf' is infinite"]),
    "negative infinity": (
        CLEAN.replace("20", "-Infinity"),
        ["line 3, column 'b'", "'-Infinity' is infinite"],
    ),
    "overflowing number": (
        CLEAN.replace("20", "1e999"),
        ["line 3, column 'b'", "'1e999'", "too large"],
    ),
    "NaN literal": (
        CLEAN.replace("20", "nan"),
        ["line 3, column 'b'", "'nan' is a missing-value marker"],
    ),
    "NA literal": (
        CLEAN.replace("20", "NA"),
        ["line 3, column 'b'", "'NA' is a missing-value marker"],
    ),
    "missing label": (CLEAN.replace("\n1,2.5", "\n,2.5"), ["line 3, column 'y'", "label is empty"]),
    "one class only": (
        CLEAN.replace("\n2,", "\n1,"),
        ["column 'y'", "fewer than two classes (found 1)"],
    ),
    "class with one row": (CLEAN + "3,7.5,70\n", ["column 'y'", "class 3 has only 1 row"]),
    "semicolon-delimited": (
        CLEAN.replace(",", ";").replace(".", ","),
        ["semicolon-delimited", "expected commas"],
    ),
    "non-UTF-8": (
        CLEAN.replace("y,a,b", "y,é,b").encode("latin-1"),
        ["line 1", "not UTF-8", "byte offset 2"],
    ),
    "too many fields": (
        CLEAN.replace("2.5,20", "2.5,20,99"),
        ["line 3", "too many fields (4, the header has 3)"],
    ),
    "too few fields": (
        CLEAN.replace("2.5,20", "2.5"),
        ["line 3", "too few fields (2, the header has 3)"],
    ),
}


@pytest.mark.parametrize(("content", "fragments"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_input_is_rejected_naming_the_problem(tmp_path, content, fragments):
    path = write(tmp_path, content)
    with pytest.raises(DataValidationError) as caught:
        load_table(path, "y", ["a", "b"])
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message
    assert caught.value.problems


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_unreadable_path_is_rejected(tmp_path, kind):
    path = tmp_path / "nowhere.csv"
    if kind == "directory":
        path.mkdir()
    with pytest.raises(DataValidationError, match="not found" if kind == "missing" else "directory"):
        load_table(path, "y", ["a", "b"])


def test_several_problems_are_all_reported(tmp_path):
    content = (
        "y,a,b,a\n"  # line 1: 'a' repeated, 'b' fine
        "1,1,abc,1\n"  # line 2: 'b' not a number
        "\n"  # line 3: blank, skipped but counted
        "1,1,inf,1\n"  # line 4: 'b' infinite
        ",1,2,1\n"  # line 5: empty label
        "1,1,2\n"  # line 6: too few fields
        "2,1,,1\n"  # line 7: 'b' empty; class 2 has one row
    )
    path = write(tmp_path, content)
    with pytest.raises(DataValidationError) as caught:
        load_table(path, "y", ["a", "b"])
    problems = caught.value.problems
    expected = [
        "line 1: column name 'a' is repeated",
        "line 2, column 'b': 'abc' is not a number",
        "line 4, column 'b': 'inf' is infinite",
        "line 5, column 'y': label is empty",
        "line 6: too few fields",
        "line 7, column 'b': is empty",
        "class 2 has only 1 row",
    ]
    assert len(problems) == len(expected)
    for problem, fragment in zip(problems, expected, strict=True):
        assert fragment in problem
    message = str(caught.value)
    assert message.splitlines()[0] == f"{path}: 7 problems found:"
    assert len(message.splitlines()) == 1 + len(expected)


def test_error_survives_pickling():
    error = DataValidationError(["one", "two"], "header:")
    again = pickle.loads(pickle.dumps(error))
    assert again.problems == ["one", "two"] and str(again) == str(error)


QUIRKS = {
    "byte-order mark": b"\xef\xbb\xbf" + CLEAN.encode(),
    "trailing blank lines": CLEAN + "\n\n  \n",
    "blank lines inside": "\n" + CLEAN.replace("\n2,4.5", "\n\n2,4.5"),
    "spaces around values": " y , a ,b \n"
    + "\n".join(" " + " , ".join(line.split(",")) + "  " for line in CLEAN.splitlines()[1:]),
    "CRLF line ends": CLEAN.replace("\n", "\r\n"),
    "quoted values": CLEAN.replace("2.5", '"2.5"'),
}


@pytest.mark.parametrize("content", QUIRKS.values(), ids=QUIRKS.keys())
def test_harmless_quirks_load_like_the_clean_file(tmp_path, content):
    clean = load_table(write(tmp_path, CLEAN, "clean.csv"), "y", ["a", "b"])
    quirky = load_table(write(tmp_path, content), "y", ["a", "b"])
    pd.testing.assert_frame_equal(quirky, clean)


def test_blank_lines_keep_line_numbers_right(tmp_path):
    path = write(tmp_path, "\n\n" + CLEAN.replace("\n1,2.5", "\n\n1,abc"))
    with pytest.raises(DataValidationError, match=r"line 6, column 'a': 'abc'"):
        load_table(path, "y", ["a", "b"])


def test_string_labels_are_kept_as_strings(tmp_path):
    content = CLEAN.replace("\n1,", "\n A ,").replace("\n2,", "\nB,") + "C,1,2\nC,3,4\n"
    table = load_table(write(tmp_path, content), "y", ["a", "b"])
    assert pd.api.types.is_string_dtype(table["y"])
    assert table["y"].tolist() == ["A"] * 3 + ["B"] * 3 + ["C"] * 2
    _, _, normalisation = split_normalise(table, "y", "all", 0.25, 0, "l2norm")
    assert normalisation["classes"] == ["A", "B", "C"]


def test_split_with_report_defaults(wine):
    train, test = split_table(wine, LABEL, test_size=0.25, random_state=0)
    assert (len(train), len(test)) == (133, 45)
    assert test[LABEL].value_counts().sort_index().tolist() == [16, 21, 8]
    assert train.columns.tolist() == ["row", LABEL, *FEATURES]
    assert sorted(train["row"].tolist() + test["row"].tolist()) == list(range(178))
    # "row" traces each split row back to the validated table.
    pd.testing.assert_frame_equal(test.drop(columns="row"), wine.iloc[test["row"]].reset_index(drop=True))
    assert isinstance(train.index, pd.RangeIndex)


def test_split_matches_the_report_call(wine):
    from sklearn.model_selection import train_test_split

    x_train, x_test, _, _ = train_test_split(wine[FEATURES], wine[LABEL], test_size=0.25, random_state=0)
    train, test = split_table(wine, LABEL, 0.25, 0)
    assert train["row"].tolist() == x_train.index.tolist()
    assert test["row"].tolist() == x_test.index.tolist()


@pytest.mark.parametrize("method", ["l2norm", "standard"])
def test_normalisation_uses_training_rows_only(wine, method):
    train, test, normalisation = split_normalise(wine, LABEL, FEATURES, 0.25, 0, method)
    changed = wine.copy()
    changed.loc[test["row"], FEATURES] *= 1000.0
    train2, test2, normalisation2 = split_normalise(changed, LABEL, FEATURES, 0.25, 0, method)
    assert normalisation2 == normalisation
    pd.testing.assert_frame_equal(train2, train)
    assert not np.allclose(test2[FEATURES], test[FEATURES])
    assert normalisation["label"] == LABEL and normalisation["classes"] == [1, 2, 3]
    assert all(type(c) is int for c in normalisation["classes"])
    assert all(type(v) is float for v in normalisation["offset"] + normalisation["scale"])


def test_l2norm_gives_unit_norm_training_columns_like_the_report(wine):
    train, test, normalisation = split_normalise(wine, LABEL, FEATURES, 0.25, 0, "l2norm")
    np.testing.assert_allclose(np.linalg.norm(train[FEATURES], axis=0), 1.0, rtol=1e-12)
    assert normalisation["offset"] == [0.0] * len(FEATURES)
    raw_train, raw_test = split_table(wine, LABEL, 0.25, 0)
    norms = np.linalg.norm(raw_train[FEATURES].to_numpy(), axis=0)
    np.testing.assert_array_equal(test[FEATURES].to_numpy(), raw_test[FEATURES].to_numpy() / norms)
    assert test[LABEL].tolist() == raw_test[LABEL].tolist()


def test_standard_gives_zero_mean_unit_std_on_train(wine):
    train, _, _ = split_normalise(wine, LABEL, FEATURES, 0.25, 0, "standard")
    np.testing.assert_allclose(train[FEATURES].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(train[FEATURES].std(axis=0, ddof=0), 1.0, rtol=1e-12)


@pytest.mark.parametrize(("method", "value"), [("l2norm", 0.0), ("standard", 0.1)])
def test_a_feature_constant_over_the_training_rows_is_named_and_set_to_zero(wine, method, value):
    table = wine.assign(Ash=value)
    train, test = split_table(table, LABEL, 0.25, 0)
    fitted = fit_normalisation(train, FEATURES, method)
    assert fitted["constant"] == ["Ash"]
    normalisation = {"label": LABEL, "classes": [1, 2, 3], **fitted}
    assert (apply_normalisation(test.assign(Ash=value + 5), normalisation)["Ash"] == 0).all()


def test_apply_normalisation_leaves_other_columns_alone(wine):
    normalisation = {"features": ["Mg"], "offset": [100.0], "scale": [2.0]}
    result = apply_normalisation(wine, normalisation)
    np.testing.assert_array_equal(result["Mg"], (wine["Mg"] - 100.0) / 2.0)
    pd.testing.assert_frame_equal(result.drop(columns="Mg"), wine.drop(columns="Mg"))


def test_minmax_maps_the_training_range_to_zero_and_one():
    from winenet.data.preprocessing import normalisation_parameters

    x = np.array([[1.0, 10.0], [3.0, 20.0], [2.0, 30.0]])
    offset, scale = normalisation_parameters(x, "minmax")
    normalised = (x - offset) / scale
    np.testing.assert_allclose(normalised.min(axis=0), 0) and np.testing.assert_allclose(
        normalised.max(axis=0), 1
    )


def test_table_fingerprint_ignores_formatting_but_not_values(tmp_path):
    from winenet.data.tables import table_fingerprint

    plain = tmp_path / "plain.csv"
    plain.write_text("Producer,a,b\n1,14.2,3\n2,13.0,4\n1,12.5,5\n2,11.1,6\n")
    styled = tmp_path / "styled.csv"
    styled.write_text(
        '\ufeff"Producer" , "a", b\r\n1, 14.20 ,3.0\r\n2,13,4\r\n\r\n1,12.50,5\r\n2,11.1,6e0\r\n'
    )
    changed = tmp_path / "changed.csv"
    changed.write_text("Producer,a,b\n1,14.2,3\n2,13.0,4\n1,12.5,5\n2,11.2,6\n")
    fingerprints = [
        table_fingerprint(load_table(path, "Producer", "all")) for path in (plain, styled, changed)
    ]
    assert fingerprints[0] == fingerprints[1] != fingerprints[2]


def test_table_summary_counts_rows_and_classes(tmp_path):
    from winenet.data.tables import table_summary

    path = tmp_path / "t.csv"
    path.write_text("Producer,a,b\nx,1,3\ny,2,4\nx,3,5\ny,4,6\nx,5,7\n")
    summary = table_summary(load_table(path, "Producer", "all"), "Producer", path)
    assert summary["rows"] == 5 and summary["features"] == ["a", "b"]
    assert summary["classes"] == ["x", "y"] and summary["class_counts"] == [3, 2]
    assert len(summary["sha256"]) == 64


def test_tiny_inputs_are_warned_about_naming_the_setting_to_change():
    from winenet.data.preprocessing import fit_normalisation, scale_warning

    rng = np.random.default_rng(0)
    many = pd.DataFrame({"a": rng.normal(10, 1, 40_000), "b": rng.normal(5, 2, 40_000)})
    for method, warned in (("l2norm", True), ("standard", False)):
        normalisation = fit_normalisation(many, ["a", "b"], method)
        warning = scale_warning(apply_normalisation(many, normalisation), normalisation)
        assert bool(warning) == warned, method
    l2 = fit_normalisation(many, ["a", "b"], "l2norm")
    message = scale_warning(apply_normalisation(many, l2), l2)
    assert "40000 training rows" in message and "normalisation.methods" in message and "standard" in message
    # The report's own 133 rows are not tiny.
    few = many.head(133)
    small = fit_normalisation(few, ["a", "b"], "l2norm")
    assert scale_warning(apply_normalisation(few, small), small) == ""


@pytest.mark.parametrize(
    ("rows", "test_size", "seed"), [(178, 0.25, 0), (178, 0.3, 7), (1000, 0.25, 3), (11, 0.5, 1)]
)
def test_split_positions_are_scikit_learns_train_test_split(rows, test_size, seed):
    from sklearn.model_selection import train_test_split

    from winenet.data.preprocessing import split_positions

    train, test = split_positions(np.zeros(rows), test_size, seed)
    expected_train, expected_test = train_test_split(np.arange(rows), test_size=test_size, random_state=seed)
    np.testing.assert_array_equal(train, expected_train)
    np.testing.assert_array_equal(test, expected_test)
