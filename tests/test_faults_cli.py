"""Fault cases of the ``kerasr`` command (issue 14): every error is one line on stderr, exit 2.

Each case is named and documented as "bad thing happens -> what the user sees -> what is on disk
afterwards". Read-only folders need a process without CAP_DAC_OVERRIDE: as root (CI), the command
runs in a child under ``setpriv`` with that capability dropped; where that is impossible the
cases are skipped with the reason.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kerasr import cli

pytestmark = pytest.mark.usefixtures("no_network")


def one_line_error(err: str) -> str:
    """The single stderr line of a failed command (fails the test on a traceback)."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert "Traceback" not in err
    return lines[0]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


# -- read-only folders: a child process that cannot override permissions ------------------------
@functools.cache
def _unprivileged_prefix() -> tuple[str, ...] | str:
    """The command prefix that runs a child without permission overrides, or why there is none."""
    if not hasattr(os, "geteuid"):
        return "no POSIX permissions on this platform"
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return "running as root and setpriv (util-linux) is missing: cannot drop CAP_DAC_OVERRIDE"
    return (setpriv, "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search")


@pytest.fixture
def unprivileged(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, ...]:
    """The prefix, after checking that a read-only folder really refuses writes through it."""
    prefix = _unprivileged_prefix()
    if isinstance(prefix, str):
        pytest.skip(prefix)
    probe = tmp_path_factory.mktemp("probe")
    probe.chmod(0o555)
    try:
        done = subprocess.run(
            [*prefix, sys.executable, "-c", f"open({str(probe / 'x')!r}, 'w')"],
            capture_output=True, text=True, timeout=60,
        )
    finally:
        probe.chmod(0o755)
    if done.returncode == 0:
        pytest.skip("this process cannot drop CAP_DAC_OVERRIDE (read-only folders are writable)")
    return prefix


def run_cli(prefix: tuple[str, ...], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KERASR_TRACEBACK": ""}
    return subprocess.run([*prefix, sys.executable, "-m", "kerasr.cli", *args],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def read_only(tmp_path: Path):
    """A folder with one file in it, made read-only (restored afterwards for cleanup)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "baby_steps.ipynb").write_text("old notebook")
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


def test_lab_run_out_is_read_only__one_line_exit_2__folder_unchanged(
    unprivileged: tuple[str, ...], read_only: Path
) -> None:
    """``kerasr lab run baby_steps --out RO`` with RO read-only -> one stderr line "kerasr lab
    run: cannot write in the --out folder 'RO' (Permission denied); choose another folder with
    --out DIR", exit 2, before the lab starts -> RO unchanged."""
    before = snapshot(read_only)
    done = run_cli(unprivileged, "lab", "run", "baby_steps", "--fast", "--out", str(read_only))
    line = one_line_error(done.stderr)
    assert done.returncode == 2
    assert line == (
        f"kerasr: error: kerasr lab run: cannot write in the --out folder {str(read_only)!r} "
        "(Permission denied); choose another folder with --out DIR"
    )
    assert "running lab" not in done.stdout
    assert snapshot(read_only) == before


def test_lab_run_out_inside_read_only__one_line_exit_2__nothing_created(
    unprivileged: tuple[str, ...], read_only: Path
) -> None:
    """``--out RO/new/deeper`` (the folders would have to be created in RO) -> one line naming
    the folder and "Permission denied", exit 2 -> no folder created in RO."""
    out = read_only / "new" / "deeper"
    done = run_cli(unprivileged, "lab", "run", "baby_steps", "--out", str(out))
    line = one_line_error(done.stderr)
    assert done.returncode == 2
    assert "cannot write in the --out folder" in line and "Permission denied" in line
    assert sorted(p.name for p in read_only.iterdir()) == ["baby_steps.ipynb"]


def test_lab_notebook_overwrite_in_read_only__one_line_exit_2__old_notebook_intact(
    unprivileged: tuple[str, ...], read_only: Path
) -> None:
    """``kerasr lab notebook baby_steps RO --overwrite`` -> one line "kerasr lab notebook:
    cannot write in the DIR folder ...", exit 2 -> the old notebook is intact, no temp file."""
    done = run_cli(unprivileged, "lab", "notebook", "baby_steps", str(read_only), "--overwrite")
    line = one_line_error(done.stderr)
    assert done.returncode == 2
    assert line.startswith("kerasr: error: kerasr lab notebook: cannot write in the DIR folder")
    assert snapshot(read_only) == {"baby_steps.ipynb": b"old notebook"}


# -- files where folders are expected ------------------------------------------------------------
@pytest.mark.parametrize("under", [False, True], ids=["file", "under-a-file"])
def test_lab_run_out_is_a_file__one_line_exit_2__file_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], under: bool
) -> None:
    """``--out F`` or ``--out F/sub`` where F is a file -> one line "--out '...' is a file, not a
    folder" / "is under the file 'F'", exit 2, before the lab starts -> F unchanged."""
    blocker = tmp_path / "results.txt"
    blocker.write_text("keep me")
    out = blocker / "sub" if under else blocker
    assert cli.main(["lab", "run", "baby_steps", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    line = one_line_error(captured.err)
    what = f"is under the file {str(blocker)!r}" if under else "is a file"
    assert line == (
        f"kerasr: error: kerasr lab run: --out {str(out)!r} {what}, not a folder; "
        "choose another folder with --out DIR"
    )
    assert "running lab" not in captured.out
    assert blocker.read_text() == "keep me" and snapshot(tmp_path) == {"results.txt": b"keep me"}


@pytest.mark.parametrize("under", [False, True], ids=["file", "under-a-file"])
def test_lab_notebook_dir_is_a_file__one_line_exit_2__file_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], under: bool
) -> None:
    """``kerasr lab notebook baby_steps F`` (or ``F/sub``) where F is a file -> one line
    "DIR '...' is a file, not a folder", exit 2 -> F unchanged, nothing else written."""
    blocker = tmp_path / "notes"
    blocker.write_text("keep me")
    target = blocker / "sub" if under else blocker
    assert cli.main(["lab", "notebook", "baby_steps", str(target)]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert line.startswith(f"kerasr: error: kerasr lab notebook: DIR {str(target)!r} ")
    assert "not a folder" in line
    assert snapshot(tmp_path) == {"notes": b"keep me"}


def test_lab_notebook_exists_without_overwrite__one_line_exit_2__old_file_intact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The notebook is already in the folder and ``--overwrite`` is not given -> one line
    "... exists (use --overwrite to replace it)", exit 2 -> the old file is intact; with
    ``--overwrite`` it is replaced by the lab's notebook (no temporary file left)."""
    old = tmp_path / "baby_steps.ipynb"
    old.write_text("my edits")
    assert cli.main(["lab", "notebook", "baby_steps", str(tmp_path)]) == 2
    assert "use --overwrite" in one_line_error(capsys.readouterr().err)
    assert old.read_text() == "my edits"
    assert cli.main(["lab", "notebook", "baby_steps", str(tmp_path), "--overwrite"]) == 0
    assert old.read_text().lstrip().startswith("{") and len(list(tmp_path.iterdir())) == 1


# -- every other error: one line, exit 2 --------------------------------------------------------
def test_usage_error__one_line_exit_2__nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A misspelt subcommand or an unknown option -> argparse's error on one line (no usage
    block) pointing at ``--help``, exit 2 -> the working folder is untouched."""
    monkeypatch.chdir(tmp_path)
    for argv in (["lab", "rnu"], ["lab", "run", "baby_steps", "--outt", "x"]):
        with pytest.raises(SystemExit) as info:
            cli.main(argv)
        assert info.value.code == 2
        line = one_line_error(capsys.readouterr().err)
        assert " error: " in line and "--help`)" in line
    assert list(tmp_path.iterdir()) == []


def test_download_failure__multi_line_message_on_one_line__exit_2__no_partial_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``kerasr data fetch mnist`` offline (every mirror unreachable) -> fetch()'s several-line
    message (URLs, where to place the file) printed as one line, exit 2 -> no data file and no
    ``.part`` in the cache."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("KERASR_DATA_DIR", str(cache))
    monkeypatch.setenv("KERASR_DOWNLOAD_RETRIES", "0")
    assert cli.main(["data", "fetch", "mnist"]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert line.startswith("kerasr: error: fetch(): could not download 'mnist.npz'")
    assert "Tried: http" in line and str(cache / "mnist.npz") in line
    data_files = [p.name for p in cache.rglob("*") if p.is_file() and ".locks" not in p.parts]
    assert data_files == []  # (only the download lock file, in .locks/)


def test_cache_dir_under_a_file__one_line_exit_2__file_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """$KERASR_DATA_DIR points under a file -> ``kerasr data fetch mnist`` prints one line
    naming the folder and KERASR_DATA_DIR, exit 2 -> the file is unchanged."""
    blocker = tmp_path / "f"
    blocker.write_text("x")
    monkeypatch.setenv("KERASR_DATA_DIR", str(blocker / "cache"))
    assert cli.main(["data", "fetch", "mnist"]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert str(blocker / "cache") in line and "KERASR_DATA_DIR" in line
    assert blocker.read_text() == "x"


def test_unexpected_exception__one_line_with_traceback_hint__exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command fails with an exception kerasr did not foresee -> one line "kerasr: error:
    RuntimeError: ... (set KERASR_TRACEBACK=1 to see the traceback)", exit 2; with
    KERASR_TRACEBACK=1 the exception propagates (for bug reports) -> nothing written."""

    def broken(args: object) -> int:
        raise RuntimeError("first line\nsecond line")

    monkeypatch.setattr(cli, "_cmd_info", broken)
    monkeypatch.delenv("KERASR_TRACEBACK", raising=False)
    assert cli.main(["info"]) == 2
    line = one_line_error(capsys.readouterr().err)
    assert line == ("kerasr: error: RuntimeError: first line second line "
                    "(set KERASR_TRACEBACK=1 to see the traceback)")
    monkeypatch.setenv("KERASR_TRACEBACK", "1")
    with pytest.raises(RuntimeError, match="first line"):
        cli.main(["info"])


def test_process_level__file_as_out__no_traceback_exit_2(tmp_path: Path) -> None:
    """The installed entry point (``python -m kerasr.cli``), not just main(): ``--out`` a file
    -> exactly one stderr line, exit status 2 -> the file unchanged."""
    blocker = tmp_path / "out"
    blocker.write_text("keep")
    done = run_cli((), "lab", "run", "baby_steps", "--out", str(blocker))
    assert done.returncode == 2
    assert "is a file, not a folder" in one_line_error(done.stderr)
    assert blocker.read_text() == "keep"
