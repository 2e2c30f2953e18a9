"""Reading earlier outputs: each way a file fails is its own line, nothing is deleted; a bug stays a bug."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from winenet.jobs.artifacts import read_arrays, read_csv, read_json, read_parquet
from winenet.jobs.errors import (
    BrokenIntermediate,
    DirectoryInTheWay,
    MissingIntermediate,
    UnreadableFile,
)
from winenet.model.model_files import save_parameters


def truncated(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.fixture
def files(tmp_path):
    parquet = tmp_path / "table.parquet"
    pd.DataFrame({"a": [1, 2], "b": [0.5, 0.25]}).to_parquet(parquet)
    csv = tmp_path / "table.csv"
    csv.write_text('a,b\n1,"x\n')
    document = tmp_path / "doc.json"
    document.write_text(json.dumps({"a": 1}))
    arrays = tmp_path / "weights.npz"
    save_parameters(arrays, {"W0": np.ones((2, 3))})
    return {"parquet": parquet, "csv": csv, "json": document, "npz": arrays}


@pytest.mark.parametrize(
    "kind, read",
    [("parquet", read_parquet), ("json", read_json), ("npz", read_arrays)],
)
def test_a_truncated_file_is_a_broken_intermediate(files, kind, read):
    with pytest.raises(BrokenIntermediate, match=files[kind].name):
        read(truncated(files[kind]))


def test_an_empty_parquet_file_and_an_unterminated_csv_are_broken(files, tmp_path):
    empty = tmp_path / "empty.parquet"
    empty.write_bytes(b"")
    with pytest.raises(BrokenIntermediate, match="empty.parquet"):
        read_parquet(empty)
    with pytest.raises(BrokenIntermediate, match="table.csv"):
        read_csv(files["csv"])


def test_a_parquet_file_with_an_intact_footer_and_a_damaged_body_is_broken_and_stays(tmp_path):
    path = tmp_path / "table.parquet"
    pd.DataFrame({"a": np.linspace(0, 1, 2000), "b": np.arange(2000)}).to_parquet(path)
    damaged = bytearray(path.read_bytes())
    # The first page's header, right after the magic bytes; the footer at the end stays intact.
    damaged[4:40] = bytes(36)
    path.write_bytes(bytes(damaged))
    with pytest.raises(BrokenIntermediate) as caught:
        read_parquet(path)
    message = str(caught.value)
    assert message.startswith(f"{path} is damaged (") and f"--forcerun {path}" in message
    assert "\n" not in message and path.read_bytes() == bytes(damaged)


@pytest.mark.parametrize("read", [read_parquet, read_csv, read_json, read_arrays])
def test_a_missing_file_and_a_directory_in_its_place_each_say_so(tmp_path, read):
    path = tmp_path / "output"
    with pytest.raises(MissingIntermediate, match="is missing .*run the same snakemake command again"):
        read(path)
    path.mkdir()
    (path / "inside").write_text("kept")
    with pytest.raises(DirectoryInTheWay, match="is a directory where the workflow keeps a file"):
        read(path)
    assert (path / "inside").read_text() == "kept"


def test_asking_a_good_file_for_a_column_it_lacks_is_a_bug_not_a_broken_file(files):
    with pytest.raises(Exception) as caught:
        read_parquet(files["parquet"], columns=["missing"])
    assert not isinstance(caught.value, (BrokenIntermediate, UnreadableFile))
    assert read_parquet(files["parquet"])["a"].tolist() == [1, 2]


def test_an_unreadable_good_file_is_reported_as_such_and_never_deleted(tmp_path):
    import os
    import shutil
    import subprocess
    import sys

    path = tmp_path / "table.parquet"
    pd.DataFrame({"a": [1, 2]}).to_parquet(path)
    path.chmod(0o000)
    script = (
        "import sys\n"
        "from winenet.jobs.artifacts import read_parquet\n"
        "from winenet.jobs.errors import UnreadableFile\n"
        "try:\n"
        f"    read_parquet({str(path)!r})\n"
        "except UnreadableFile as error:\n"
        "    print(error)\n"
        "    sys.exit(0)\n"
        "sys.exit('read an unreadable file')\n"
    )
    command = [sys.executable, "-c", script]
    if os.geteuid() == 0:
        # Root reads any file; without the capabilities that let it, mode 000 means what it says.
        if shutil.which("setpriv") is None:
            pytest.skip("running as root, and util-linux's setpriv is not installed to drop root's overrides")
        command = [
            "setpriv",
            "--bounding-set=-dac_override,-dac_read_search",
            "--inh-caps=-all",
            "--",
            *command,
        ]
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    result = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "table.parquet cannot be read (Permission denied); it was left as it is" in result.stdout
    path.chmod(0o644)
    assert read_parquet(path)["a"].tolist() == [1, 2]
