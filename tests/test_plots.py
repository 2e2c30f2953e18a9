"""Figure functions return Figures with the right panels; save_figure writes reproducible PNGs."""

import struct
import zlib

import matplotlib
import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from winenet.model.evaluation import classification_metrics, roc_points
from winenet.model.model_files import probability_column
from winenet.report import plots, stat_plots

DPI = 40
CLASSES = [1, 2, 3]
FEATURES = ["Alcohol", "Ash", "Hue", "Proline", "Mg", "Flavanoids", "Colour"]


def panels(figure: Figure) -> list:
    """The figure's axes that are not colorbars."""
    return [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]


def wine_like_table(rows_per_class: int = 12) -> pd.DataFrame:
    """A label column plus FEATURES, raw-looking values shifted per class."""
    rng = np.random.default_rng(1)
    labels = np.repeat(CLASSES, rows_per_class)
    values = rng.normal(size=(labels.size, len(FEATURES))) + labels[:, None] * np.arange(1, len(FEATURES) + 1)
    table = pd.DataFrame(values, columns=FEATURES)
    table.insert(0, "Producer", labels)
    return table


def history(epochs: int = 4, train_batches: int = 3, validation_batches: int = 2):
    """(epochs, batches) tables in the shapes training_curves expects."""
    rng = np.random.default_rng(2)
    batch_rows = []
    for phase, count in (("train", train_batches), ("validation", validation_batches)):
        for epoch in range(1, epochs + 1):
            for batch in range(1, count + 1):
                batch_rows.append((phase, epoch, batch, rng.uniform(0, 2) / epoch, rng.uniform(0.3, 1)))
    batches = pd.DataFrame(batch_rows, columns=["phase", "epoch", "batch", "loss", "accuracy"])
    grouped = batches.groupby(["phase", "epoch"], sort=True)
    epochs_table = grouped[["loss", "accuracy"]].mean().reset_index()
    epochs_table["loss_volatility"] = grouped["loss"].agg(np.ptp).to_numpy()
    epochs_table["accuracy_volatility"] = grouped["accuracy"].agg(np.ptp).to_numpy()
    return epochs_table, batches


def predictions(n: int = 30):
    """(true labels, (n, 3) probabilities) that mostly favour the true class."""
    rng = np.random.default_rng(3)
    true = np.resize(CLASSES, n)
    probabilities = rng.dirichlet([1, 1, 1], size=n)
    probabilities[np.arange(n), true - 1] += 0.5
    return true, probabilities / probabilities.sum(axis=1, keepdims=True)


def roc_inputs(true, probabilities) -> tuple[pd.DataFrame, dict]:
    """ROC points and AUCs as the evaluate stage writes them, from labels and probabilities."""
    table = pd.DataFrame({"true": true, "predicted": np.asarray(CLASSES)[probabilities.argmax(axis=1)]})
    for k, cls in enumerate(CLASSES):
        table[probability_column(cls)] = probabilities[:, k]
    metrics = classification_metrics(table, CLASSES)
    return roc_points(table, CLASSES), {c: s["roc_auc"] for c, s in metrics["classes"].items()}


def rank_counts() -> pd.DataFrame:
    """Runs per (feature, rank), as a float table like a pivot would produce."""
    rng = np.random.default_rng(4)
    counts = np.zeros((len(FEATURES), len(FEATURES)))
    for _ in range(20):
        counts[rng.permutation(len(FEATURES)), np.arange(len(FEATURES))] += 1
    return pd.DataFrame(counts, index=FEATURES, columns=range(1, len(FEATURES) + 1))


def interval_table() -> pd.DataFrame:
    """Means with intervals for three models under two normalisations and one baseline."""
    rows = [
        (model, normalisation, mean, mean - 0.03, mean + 0.02)
        for normalisation, shift in (("l2norm", -0.05), ("standard", 0.0))
        for model, mean in (("plain", 0.96 + shift), ("l2", 0.93 + shift), ("l1", 0.95 + shift))
    ] + [("random_forest", "standard", 0.98, 0.96, 0.99)]
    return pd.DataFrame(rows, columns=["model", "normalisation", "mean", "ci_low", "ci_high"])


def importance_summaries() -> dict:
    """Two normalisations' importance summaries over FEATURES, the second in reverse order."""
    summaries = {}
    for name, order in (("l2norm", FEATURES), ("standard", FEATURES[::-1])):
        table = pd.DataFrame({"feature": order})
        for measure in ("weight", "gradient", "permutation"):
            table[f"{measure}_mean_rank"] = np.arange(1, len(order) + 1, dtype=float)
            table[f"{measure}_mean_rank_ci_low"] = table[f"{measure}_mean_rank"] - 0.4
            table[f"{measure}_mean_rank_ci_high"] = table[f"{measure}_mean_rank"] + 0.4
        summaries[name] = table
    return summaries


def path_table() -> pd.DataFrame:
    """A regularisation path: two normalisations, two penalties, three coefficients."""
    rows = []
    for normalisation in ("l2norm", "standard"):
        for penalty in ("l1", "l1_proximal"):
            for k, coefficient in enumerate((0.001, 0.01, 0.1)):
                mean = 0.95 - 0.1 * k
                rows.append((normalisation, penalty, coefficient, mean, mean - 0.05, mean + 0.03, 0.3 * k))
    return pd.DataFrame(
        rows, columns=["normalisation", "penalty", "coefficient", "mean", "ci_low", "ci_high", "zero_share"]
    )


BUILDERS = {
    "feature_distributions": lambda: stat_plots.feature_distributions(
        wine_like_table(), "Producer", FEATURES, order=FEATURES[::-1], title="by rank"
    ),
    "training_curves": lambda: plots.training_curves(*history(), annotation="learning rate 0.01"),
    "roc_curves": lambda: plots.roc_curves(*roc_inputs(*predictions()), CLASSES, "ROC"),
    "confusion_matrix_figure": lambda: stat_plots.confusion_matrix_figure(
        [[5, 1, 0], [2, 7, 1], [0, 0, 4]], CLASSES, "confusion"
    ),
    "rank_heatmap": lambda: stat_plots.rank_heatmap(rank_counts(), "ranks"),
    "metric_bars": lambda: plots.metric_bars(
        pd.DataFrame({"model": ["none", "l1", "l2"], "accuracy": [0.9, 0.95, 1.0]}),
        "accuracy",
        "model",
        "acc",
    ),
    "accuracy_spread": lambda: stat_plots.accuracy_spread(
        {"plain": np.array([0.9, 0.95, 0.93]), "l2": np.array([0.7, 0.9, 0.92])},
        pd.DataFrame(
            {"model": ["plain", "l2"], "mean": [0.927, 0.84], "ci_low": [0.86, 0.5], "ci_high": [0.99, 1]}
        ),
        "seeds",
    ),
    "interval_comparison": lambda: plots.interval_comparison(interval_table(), "cv"),
    "difference_intervals": lambda: plots.difference_intervals(
        pd.DataFrame(
            {
                "model_a": ["plain", "plain"],
                "model_b": ["l2", "l2"],
                "normalisation": ["l2norm", "standard"],
                "mean_difference": [0.07, 0.0],
                "ci_low": [-0.02, -0.03],
                "ci_high": [0.16, 0.03],
            }
        ),
        "differences",
        "difference",
    ),
    "importance_rankings": lambda: plots.importance_rankings(
        importance_summaries(), ("weight", "gradient", "permutation"), "rankings"
    ),
    "regularisation_path_figure": lambda: plots.regularisation_path_figure(path_table(), "path"),
}
EXPECTED_PANELS = {
    "feature_distributions": len(FEATURES),
    "training_curves": 6,
    "roc_curves": 1,
    "confusion_matrix_figure": 1,
    "rank_heatmap": 1,
    "metric_bars": 1,
    "accuracy_spread": 1,
    "interval_comparison": 1,
    "difference_intervals": 1,
    "importance_rankings": 3,
    "regularisation_path_figure": 4,
}


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, payload) of every chunk in a PNG byte string, checking signature and CRCs."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        payload = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + payload)
        chunks.append((kind, payload))
        offset += 12 + length
    return chunks


@pytest.mark.parametrize("name", list(BUILDERS))
def test_builders_return_figures_with_expected_panels(name):
    figure = BUILDERS[name]()
    assert isinstance(figure, Figure)
    assert len(panels(figure)) == EXPECTED_PANELS[name]


@pytest.mark.parametrize("name", list(BUILDERS))
def test_save_figure_writes_a_readable_reproducible_png_without_text_chunks(name, tmp_path):
    first, second = tmp_path / "a" / "first.png", tmp_path / "second.png"
    plots.save_figure(BUILDERS[name](), first, DPI)
    plots.save_figure(BUILDERS[name](), second, DPI)

    pixels = matplotlib.image.imread(first)
    assert pixels.std() > 0
    assert len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)) > 1

    data = first.read_bytes()
    kinds = [kind for kind, _ in png_chunks(data)]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    # No text chunk at all (so no 'Software' and no date) and no modification time.
    assert not {b"tEXt", b"iTXt", b"zTXt", b"tIME"} & set(kinds)
    assert b"Software" not in data and b"matplotlib" not in data.lower()
    assert data == second.read_bytes()


def test_save_figure_uses_the_requested_dpi(tmp_path):
    figure = plots.metric_bars(pd.DataFrame({"m": ["a"], "v": [0.5]}), "v", "m", "t")
    width, height = figure.get_size_inches()
    plots.save_figure(figure, tmp_path / "f.png", DPI)
    pixels = matplotlib.image.imread(tmp_path / "f.png")
    assert pixels.shape[:2] == (round(height * DPI), round(width * DPI))


def test_figures_leave_pyplot_and_rcparams_alone_and_ignore_the_callers_style(tmp_path):
    with matplotlib.rc_context({"font.size": 23, "axes.titlesize": 31, "lines.linewidth": 7}):
        figures = {name: build() for name, build in BUILDERS.items()}
        plots.save_figure(figures["metric_bars"], tmp_path / "f.png", DPI)
        assert (matplotlib.rcParams["font.size"], matplotlib.rcParams["lines.linewidth"]) == (23, 7)
    assert plt.get_fignums() == []
    assert panels(figures["metric_bars"])[0].title.get_fontsize() == plots._STYLE["axes.titlesize"]
    assert panels(figures["training_curves"])[0].get_lines()[0].get_linewidth() < 7


def test_feature_distributions_titles_follow_order_with_rank_prefix():
    order = ["Proline", "Flavanoids", "Hue", "Alcohol", "Ash", "Mg", "Colour"]
    figure = stat_plots.feature_distributions(wine_like_table(), "Producer", FEATURES, order=order)
    assert [ax.get_title() for ax in panels(figure)] == [f"{i}. {f}" for i, f in enumerate(order, 1)]


def test_feature_distributions_without_order_keeps_feature_order_and_plain_titles():
    figure = stat_plots.feature_distributions(wine_like_table(), "Producer", FEATURES, title="raw data")
    assert [ax.get_title() for ax in panels(figure)] == FEATURES
    assert figure.get_suptitle() == "raw data"


def test_feature_distributions_rejects_an_order_that_is_not_a_permutation():
    with pytest.raises(ValueError, match="permutation"):
        stat_plots.feature_distributions(wine_like_table(), "Producer", FEATURES, order=["Proline"])


def test_feature_distributions_names_missing_columns():
    with pytest.raises(ValueError, match="Nope"):
        stat_plots.feature_distributions(wine_like_table(), "Producer", ["Nope"])


def test_training_curves_show_annotation_both_phases_and_labelled_panels():
    epochs, batches = history()
    figure = plots.training_curves(epochs, batches, "learning rate 0.01, batch size 10")
    assert "learning rate 0.01, batch size 10" in figure.get_suptitle()
    legend_labels = [text.get_text() for legend in figure.legends for text in legend.get_texts()]
    assert legend_labels == ["train", "validation"]
    for ax in panels(figure):
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        assert len(ax.get_lines()) == 2


def test_training_curves_place_batches_within_their_epoch():
    epochs, batches = history(epochs=2, train_batches=4, validation_batches=2)
    figure = plots.training_curves(epochs, batches, "a")
    per_batch_loss = panels(figure)[4]
    train, validation = per_batch_loss.get_lines()
    np.testing.assert_allclose(train.get_xdata(), [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2])
    np.testing.assert_allclose(validation.get_xdata(), [0.5, 1, 1.5, 2])


def test_roc_legend_has_auc_per_class_and_chance_line():
    figure = plots.roc_curves(*roc_inputs(*predictions()), CLASSES, "ROC")
    labels = [text.get_text() for text in panels(figure)[0].get_legend().get_texts()]
    assert labels[0] == "chance"
    assert [label.split(" (")[0] for label in labels[1:]] == ["class 1", "class 2", "class 3"]
    assert all("AUC" in label for label in labels[1:])


def test_roc_perfect_scores_give_auc_one_and_absent_class_is_marked():
    true = np.array([1, 1, 2, 2])
    probabilities = np.array([[0.9, 0.1, 0], [0.8, 0.2, 0], [0.1, 0.9, 0], [0.3, 0.7, 0]])
    figure = plots.roc_curves(*roc_inputs(true, probabilities), CLASSES, "ROC")
    labels = [text.get_text() for text in panels(figure)[0].get_legend().get_texts()]
    assert labels[1:] == [
        "class 1 (AUC 1.00)",
        "class 2 (AUC 1.00)",
        "class 3 (AUC undefined: one-sided labels)",
    ]


def test_roc_names_missing_columns():
    with pytest.raises(ValueError, match="points lacks column"):
        plots.roc_curves(pd.DataFrame({"class": [1], "fpr": [0.0]}), {"1": 0.5}, CLASSES, "ROC")


def test_roc_draws_the_points_it_is_given():
    points, aucs = roc_inputs(*predictions())
    figure = plots.roc_curves(points, aucs, CLASSES, "ROC")
    curves = panels(figure)[0].get_lines()[1:]  # after the chance line
    for cls, line in zip(CLASSES, curves, strict=True):
        np.testing.assert_array_equal(line.get_xdata(), points.loc[points["class"] == cls, "fpr"])


def test_confusion_matrix_must_be_square_in_the_classes():
    with pytest.raises(ValueError, match="must be square"):
        stat_plots.confusion_matrix_figure([[1, 2], [3, 4]], CLASSES, "confusion")


def test_confusion_matrix_annotates_counts_with_the_label_on_the_axes():
    from sklearn.metrics import confusion_matrix

    counts = confusion_matrix([1, 1, 2, 3, 3], [1, 2, 2, 3, 1], labels=CLASSES)
    figure = stat_plots.confusion_matrix_figure(counts, CLASSES, "confusion", "Producer")
    ax = panels(figure)[0]
    assert [text.get_text() for text in ax.texts] == ["1", "1", "0", "0", "1", "0", "1", "0", "1"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted Producer", "true Producer")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3"]


def test_rank_heatmap_annotates_integer_counts_with_a_runs_colorbar():
    counts = rank_counts()
    figure = stat_plots.rank_heatmap(counts, "ranks")
    ax = panels(figure)[0]
    assert [text.get_text() for text in ax.texts][: len(FEATURES)] == [str(int(v)) for v in counts.iloc[0]]
    assert ax.get_xlabel() == "rank (1 = most important)"
    assert [t.get_text() for t in ax.get_yticklabels()] == FEATURES
    colorbars = [a for a in figure.axes if a.get_label() == "<colorbar>"]
    assert len(colorbars) == 1 and colorbars[0].get_ylabel() == "runs"


def test_rank_heatmap_rejects_fractional_counts():
    with pytest.raises(ValueError, match="whole numbers"):
        stat_plots.rank_heatmap(rank_counts() / 3, "ranks")


def test_metric_bars_print_each_value():
    values = pd.DataFrame({"model": ["none", "l1", "l2"], "accuracy": [0.9556, 0.9778, 1.0]})
    figure = plots.metric_bars(values, "accuracy", "model", "accuracy by model")
    ax = panels(figure)[0]
    assert [text.get_text() for text in ax.texts] == ["0.956", "0.978", "1.000"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["none", "l1", "l2"]
    assert [bar.get_height() for bar in ax.patches] == [0.9556, 0.9778, 1.0]


def test_interval_comparison_draws_one_series_per_normalisation():
    figure = plots.interval_comparison(interval_table(), "cv")
    (axis,) = panels(figure)
    assert [text.get_text() for text in axis.get_legend().get_texts()] == ["l2norm", "standard"]
    assert [label.get_text() for label in axis.get_xticklabels()] == ["plain", "l2", "l1", "random_forest"]


def test_importance_rankings_list_features_in_the_first_normalisations_order():
    figure = plots.importance_rankings(importance_summaries(), ("weight", "gradient", "permutation"), "r")
    first = panels(figure)[0]
    assert [label.get_text() for label in first.get_yticklabels()] == FEATURES
