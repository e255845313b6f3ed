"""Conformance run: every BPMN/DMN file of an outside corpus through Liaison's real path.

Each file ends in exactly one outcome: it ran to completion, it was deployed
(and waits for someone or something, or stopped at an incident), or it was
rejected with a located, plainly worded reason. A raw exception, an
unlocated rejection, an instance that neither finishes nor waits, or a file
that outlasts its time guard is a failure, and the exit code says so.

    .venv/bin/python -m bench.conformance [DIR] [--timeout SECONDS]

DIR defaults to $LIAISON_BPMN_CORPUS, else ``../shared/bpmn-corpus`` beside the
checkout; its ``files/`` folder is used when there is one.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TextIO

from bench.conformance_check import (
    Outcome,
    conformance_runtime,
    corpus_files,
    judge,
    migrated_template,
    summary_lines,
)
from engine.common.settings import PROJECT_ROOT

DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "bpmn-corpus"
DEFAULT_TIMEOUT = 60.0  # seconds per file; the engine's own budgets should stop far sooner
_STARTUP = 300.0  # seconds a fresh judge may take to import and build its runtime


def corpus_root(given: str | None) -> Path:
    """The folder of files to judge: the argument, the environment, or the default."""
    folder = Path(given or os.environ.get("LIAISON_BPMN_CORPUS") or DEFAULT_CORPUS)
    return folder / "files" if (folder / "files").is_dir() else folder


def run_corpus(root: Path, *, timeout: float = DEFAULT_TIMEOUT) -> Iterator[Outcome]:
    """Judge every file under ``root`` in a child process, each within ``timeout`` seconds."""
    with tempfile.TemporaryDirectory(prefix="liaison-conformance-") as folder:
        template = migrated_template(Path(folder))
        judge_process: _Judge | None = None
        try:
            for path in corpus_files(root):
                judge_process = judge_process or _Judge(root, template)
                outcome = judge_process.judge(path, timeout)
                if outcome is None:  # it hung or died: say which, and start a fresh one
                    reason = judge_process.stop()
                    judge_process = None
                    outcome = Outcome(path.relative_to(root).as_posix(), "failed", reason,
                                      f"no outcome within {timeout:g} s" if reason == "hang"
                                      else "the judging process died")
                yield outcome
        finally:
            if judge_process is not None:
                judge_process.close()


class _Judge:
    """A child process judging one file at a time, so a hang can be stopped from outside."""

    def __init__(self, root: Path, template: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, root, template),
                                        daemon=True)
        self._process.start()
        child.close()
        if not self._conn.poll(_STARTUP):
            self.stop()
            raise RuntimeError("the conformance judge did not start")
        self._conn.recv()  # "ready": imports done, runtime built

    def judge(self, path: Path, timeout: float) -> Outcome | None:
        self._conn.send(path)
        try:
            if self._conn.poll(timeout):
                outcome: Outcome = self._conn.recv()
                return outcome
        except (EOFError, OSError):
            pass
        return None

    def stop(self) -> str:
        """Kill the child; return "hang" if it was still running, else "crash"."""
        reason = "hang" if self._process.is_alive() else "crash"
        self._process.kill()
        self._process.join()
        self._conn.close()
        return reason

    def close(self) -> None:
        self._conn.send(None)
        self._process.join(timeout=10)
        if self._process.is_alive():
            self.stop()
        self._conn.close()


def _serve(conn: Connection, root: Path, template: Path) -> None:
    rt = conformance_runtime()
    conn.send("ready")
    while (path := conn.recv()) is not None:
        conn.send(judge(path, root=root, template=template, rt=rt))


def print_report(outcomes: Sequence[Outcome], out: TextIO | None = None) -> None:
    """Print one line per file, its located detail, then the counts by outcome and reason."""
    def say(text: str = "") -> None:
        print(text, file=out or sys.stdout)

    width = max((len(o.label) for o in outcomes), default=7)
    say(f"{'outcome':<{width}}  file")
    for outcome in outcomes:
        say(f"{outcome.label:<{width}}  {outcome.file}")
        if outcome.detail:
            say(f"{'':<{width}}    {outcome.detail}")
    ran = sum(o.status == "ran" for o in outcomes)
    deployed = sum(o.status in ("ran", "deployed") for o in outcomes)
    rejected = sum(o.status == "rejected" for o in outcomes)
    failed = sum(o.status == "failed" for o in outcomes)
    say()
    say(f"{len(outcomes)} files: {deployed} deployed (of which {ran} ran to completion), "
        f"{rejected} rejected, {failed} failed")
    for label, count in summary_lines(outcomes):
        say(f"{count:5}  {label}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", help="folder of BPMN/DMN files "
                        "(default: $LIAISON_BPMN_CORPUS or ../shared/bpmn-corpus)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help="seconds one file may take before it counts as a hang")
    args = parser.parse_args(argv)
    root = corpus_root(args.corpus)
    if not root.is_dir():
        print(f"no corpus at {root}", file=sys.stderr)
        return 2
    outcomes = list(run_corpus(root, timeout=args.timeout))
    print_report(outcomes)
    return 1 if any(o.status == "failed" for o in outcomes) or not outcomes else 0


if __name__ == "__main__":
    sys.exit(main())
