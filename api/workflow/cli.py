"""``liaison forms``: move a form's words into its language overlays, and check them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.common.settings import Settings
from engine.workflow.form_check import check_form, check_forms
from engine.workflow.form_overlays import SCHEMA_SUFFIX
from engine.workflow.form_split import split_form

__all__ = ["forms"]

FORMS_OPTION = click.option(
    "--forms", "root", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The forms folder (default: LIAISON_FORMS_PATH, else the shipped forms/).")


@click.group()
def forms() -> None:
    """Task forms: their words per language."""


@forms.command("split")
@click.argument("names", nargs=-1, required=True)
@FORMS_OPTION
def forms_split(names: tuple[str, ...], root: Path | None) -> None:
    """Move the words of <process>/<task> forms into <task>.en.json and <task>.zh.json.

    Safe to run again: a split form stays as it is and an overlay's words are
    never replaced. The Chinese of a label written half in English is left to
    write; `liaison forms check` lists it.
    """
    folder = root or Settings.from_env().forms_path
    failed = False
    for name in names:
        try:
            result = split_form(folder, name)
        except (OSError, ValueError) as error:  # a missing form, a file that is not JSON
            click.echo(f"error: {name}: {error}", err=True)
            failed = True
            continue
        if not result.written:
            click.echo(f"{name}: already split, nothing changed")
        else:
            click.echo(f"{name}: moved {result.moved} text(s); wrote {', '.join(result.written)}")
        for problem in check_form(folder, name.removesuffix(SCHEMA_SUFFIX) + SCHEMA_SUFFIX):
            click.echo(f"to do: {problem}")
    if failed:
        sys.exit(1)


@forms.command("check")
@FORMS_OPTION
def forms_check(root: Path | None) -> None:
    """Require every form's title, fields and choices to have words in every language."""
    folder = root or Settings.from_env().forms_path
    problems = check_forms(folder)
    if not problems:
        click.echo(f"{len(list(folder.glob('*/*' + SCHEMA_SUFFIX)))} form(s): every label "
                   "in every language")
        return
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"{len(problems)} problem(s) found", err=True)
    sys.exit(1)
