"""The command line: `main(argv) -> int` is the only place that turns errors into exit statuses."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from gu1lint import __version__
from gu1lint.catalog import KINDS
from gu1lint.errors import Gu1lintError
from gu1lint.i18n import LANGUAGES
from gu1lint.options import FORMATS, MODES, PLANS

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


API_URL_HELP = "API base URL (else GU1_API_URL, else https://api.gu1.ai); the key is GU1_API_KEY."

# options that several commands share, word for word
KIND = click.option("--kind", type=click.Choice(KINDS),
                    help="Import kind (else config, mapping target, header).")
KIND_REQUIRED = click.option("--kind", type=click.Choice(KINDS), required=True)
MAPPING = click.option("--mapping", type=click.Path(),
                       help="Saved mapping file as the API returns it.")
MAPPING_ID = click.option("--mapping-id", help="Pick one mapping from a mappings list file.")
COLUMN_MAPPING = click.option("--column-mapping", help="Inline columnMapping JSON (CSV only).")
MODE = click.option("--mode", type=click.Choice(MODES), help="Entity import mode (default manual).")
COUNTRY = click.option("--country", help="Batch-level ISO2 country for entities.")
PLAN = click.option("--plan", type=click.Choice(PLANS), help="Row limits of this plan.")
LIMITS = click.option("--limits", type=click.Path(),
                      help="JSON of GET /individual-organization/batch-upload-enabled.")
VALIDATE_EXISTING_ENTITY = click.option(
    "--validate-existing-entity/--no-validate-existing-entity", default=None)
SKIP_DUPLICATES = click.option("--skip-duplicates", is_flag=True, default=None,
                               help="Transactions: skipDuplicates=true.")
ENTITIES = click.option("--entities", multiple=True, type=click.Path(),
                        help="Entity files of known references.")
FORMAT = click.option("--format", "fmt", type=click.Choice(FORMATS),
                      help="Output format (default text).")
OUTPUT = click.option("--output", type=click.Path(), help="Write the report to this file.")
CONFIG = click.option("--config", "config_path", type=click.Path(), help="Explicit config file.")
API_URL = click.option("--api-url", help=API_URL_HELP)

@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="gu1lint")
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Offline pre-flight validator for gu1 bulk-import files."""
    ctx.obj = {"debug": debug}


def FILE_OPTIONS(function: Callable[..., Any]) -> Callable[..., Any]:  # noqa: N802
    """--kind, --mapping, --mapping-id, --column-mapping, --mode and --country, in that order
    (what `check` and `fix` need to read a file as gu1 would)."""
    for option in reversed((KIND, MAPPING, MAPPING_ID, COLUMN_MAPPING, MODE, COUNTRY)):
        function = option(function)
    return function


def comma_list(values: Sequence[str]) -> list[str]:
    """Flatten repeated comma-separated option values."""
    return [part.strip() for v in values for part in v.split(",") if part.strip()]


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@FILE_OPTIONS
@PLAN
@LIMITS
@click.option("--batch-error-handling",
              type=click.Choice(["rollback_all", "continue_collect_errors", "stop_keep_success"]))
@VALIDATE_EXISTING_ENTITY
@SKIP_DUPLICATES
@ENTITIES
@click.option("--select", multiple=True, help="Only these codes or rules (comma list).")
@click.option("--ignore", multiple=True, help="Skip these codes or rules (comma list).")
@click.option("--format", "fmt", type=click.Choice((*FORMATS, "auto")),
              help="Output format (default auto: github in GitHub Actions, else text).")
@OUTPUT
@click.option("--fail-on", type=click.Choice(["error", "warning"]),
              help="Severity that fails (default error).")
@click.option("--max-findings", type=click.IntRange(min=1),
              help="Findings per file (default 1000).")
@CONFIG
@click.option("--statistics", is_flag=True, default=None, help="Counts per code and rule.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Files linted in parallel.")
@click.option("--request", is_flag=True, default=None, help="The files form one upload request.")
@click.option("--sheet", help="Excel sheet to read (default the first).")
@click.option("--exclude", multiple=True, help="Glob of paths to skip when walking folders.")
@click.option("--baseline", type=click.Path(), help="Report only findings not in this baseline.")
@click.option("--write-baseline", type=click.Path(), help="Write the findings to a baseline file.")
@click.option("--lang", type=click.Choice(LANGUAGES),
              help="Language of messages and help (default from LC_ALL, LC_MESSAGES, LANG).")
def check(**flags: object) -> int:
    """Lint import files (or folders, recursively)."""
    from gu1lint.commands.check import run_check

    return run_check(flags)


@cli.command(context_settings=CONTEXT)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              help="markdown: the rule table of the README.")
def rules(fmt: str) -> int:
    """List every code and rule of the catalog."""
    from gu1lint.commands.catalog_cmds import list_rules

    return list_rules(fmt)


@cli.command(context_settings=CONTEXT)
@click.argument("name")
def explain(name: str) -> int:
    """What a code or rule flags, why gu1 rejects it, how to fix it."""
    from gu1lint.commands.catalog_cmds import explain_entry

    return explain_entry(name)


@cli.command(context_settings=CONTEXT)
@KIND_REQUIRED
@click.option("--mapping", type=click.Path(), help="Rename fields to the mapping's headers.")
@MAPPING_ID
def schema(kind: str, mapping: str | None, mapping_id: str | None) -> int:
    """Print the Frictionless Table Schema that the checks enforce."""
    from gu1lint.commands.catalog_cmds import print_schema

    return print_schema(kind, mapping, mapping_id)




@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@KIND
@click.option("--mapping", type=click.Path(),
              help="Saved mapping file (its id is sent as mappingId).")
@MAPPING_ID
@click.option("--column-mapping", help="Inline columnMapping JSON (transactions, CSV only).")
@MODE
@COUNTRY
@PLAN
@LIMITS
@click.option("--batch-error-handling",
              type=click.Choice(["rollback_all", "continue_collect_errors", "stop_keep_success"]),
              help="Transactions (default here: continue_collect_errors, so row failures are "
                   "kept).")
@VALIDATE_EXISTING_ENTITY
@SKIP_DUPLICATES
@ENTITIES
@API_URL
@click.option("--force", is_flag=True, help="Upload even when linting finds errors.")
@click.option("--poll-interval", type=click.FloatRange(min=0.05), default=2.0, show_default=True,
              help="Seconds between job status polls.")
@click.option("--timeout", type=click.FloatRange(min=0), default=600.0, show_default=True,
              help="Seconds to wait for each job.")
@FORMAT
@OUTPUT
@CONFIG
def upload(**flags: object) -> int:
    """Lint, upload what passes, wait for the job, reconcile the server's failures."""
    from gu1lint.commands.upload import run_upload

    return run_upload(flags)


@cli.command(context_settings=CONTEXT)
@click.argument("job_id")
@KIND_REQUIRED
@click.option("--csv", "use_csv", is_flag=True, help="Read the failures CSV instead of the JSON.")
@FORMAT
@OUTPUT
@API_URL
def failures(job_id: str, kind: str, use_csv: bool, fmt: str | None, output: str | None,
             api_url: str | None) -> int:
    """Fetch a job's failures and render them like findings."""
    from gu1lint.commands.upload import run_failures

    return run_failures(job_id, kind, use_csv, fmt, output, api_url)


@cli.command(context_settings=CONTEXT)
@click.option("--output", type=click.Path(), help="Save to this file (for check --limits).")
@API_URL
def limits(output: str | None, api_url: str | None) -> int:
    """Save the organization's batch-upload limits."""
    from gu1lint.commands.upload import run_fetch

    return run_fetch("limits", output, api_url)


@cli.group(context_settings=CONTEXT)
def mappings() -> None:
    """The organization's saved mappings."""


@mappings.command("pull", context_settings=CONTEXT)
@click.option("--output", type=click.Path(), help="Save to this file (for check --mapping).")
@API_URL
def mappings_pull(output: str | None, api_url: str | None) -> int:
    """Save every saved mapping of the organization."""
    from gu1lint.commands.upload import run_fetch

    return run_fetch("mappings", output, api_url)


@cli.command(context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--token", "tokens", multiple=True, required=True,
              help="TOKEN, TOKEN@ORG, or TOKEN@ORG=scope,... (no scopes: 403); repeatable.")
@click.option("--plan", type=click.Choice(PLANS), default="growth", show_default=True)
@click.option("--fail-first", type=click.IntRange(min=0), default=0,
              help="Answer the first N requests with 503 (retry tests).")
@click.option("--step-delay", type=click.FloatRange(min=0), default=0.5, show_default=True,
              help="Seconds a job stays queued, then running.")
@click.option("--mappings", "mapping_files", multiple=True, type=click.Path(),
              help="Saved mappings to serve (a mapping file or a 'mappings pull' list).")
def emulator(host: str, port: int, tokens: tuple[str, ...], plan: str, fail_first: int,
             step_delay: float, mapping_files: tuple[str, ...]) -> int:
    """Serve the local emulator of the gu1 batch-import API."""
    from gu1lint.commands.emulator import run_emulator

    return run_emulator(host, port, tokens, plan, fail_first, step_delay, mapping_files)


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@FILE_OPTIONS
@click.option("--unsafe-fixes", is_flag=True, help="Also fix amounts, dates and CPF/CNPJ zeros.")
@click.option("--date-order", type=click.Choice(["dmy", "mdy"]),
              help="How to read nn/nn/yyyy dates (unsafe fix); else only unambiguous ones.")
@click.option("--diff", is_flag=True,
              help="Print a unified diff of the changed rows; write nothing.")
@click.option("--in-place", is_flag=True,
              help="Replace each file (atomically) instead of NAME.fixed.EXT.")
@click.option("--output-dir", type=click.Path(file_okay=False), help="Write the fixed files here.")
@click.option("--sheet", help="Excel sheet to fix (default the first).")
@CONFIG
def fix(**flags: object) -> int:
    """Repair values whose meaning cannot change; more with --unsafe-fixes."""
    from gu1lint.commands.fix import run_fix

    return run_fix(flags)


@cli.command(context_settings=CONTEXT)
@click.argument("path", type=click.Path())
@KIND
@PLAN
@LIMITS
@MAPPING
@MAPPING_ID
@COLUMN_MAPPING
@click.option("--output-dir", type=click.Path(file_okay=False), help="Write the parts here.")
@click.option("--sheet", help="Excel sheet to split (default the first).")
@CONFIG
def split(**flags: object) -> int:
    """Split a file over its row limit into parts that each fit."""
    from gu1lint.commands.split import run_split

    return run_split(flags)


def one_line(text: str) -> str:
    """Status 2 prints exactly one line: fold the line breaks of a multi-line message."""
    from gu1lint.reporters.escape import escape_control

    # and no control character of a file name or value reaches the terminal raw
    return escape_control(re.sub(r"\s*\n\s*", " ", text.strip()))


def _help_hint(exc: click.ClickException) -> str:
    ctx = getattr(exc, "ctx", None)
    return f" (see '{ctx.command_path} --help')" if ctx is not None else ""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; every error ends as one line on stderr and exit status 2."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):  # a file name that is not UTF-8 must not stop a report
            stream.reconfigure(errors="backslashreplace")
    try:
        result = cli.main(args=args, prog_name="gu1lint", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.format_message())  # a bare `gu1lint`: the help on stdout, one line on stderr
        click.echo("gu1lint: error: no command given (see 'gu1lint --help')", err=True)
        return 2
    except click.ClickException as exc:
        click.echo(f"gu1lint: error: {one_line(exc.format_message())}{_help_hint(exc)}", err=True)
        return 2
    except click.exceptions.Abort:
        click.echo("gu1lint: aborted", err=True)
        return 2
    except Gu1lintError as exc:
        click.echo(f"gu1lint: error: {one_line(str(exc))}", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("gu1lint: interrupted", err=True)
        return 2
    except BrokenPipeError:
        return 2
    except Exception as exc:  # the promise: never a traceback, unless --debug asks for one
        if debug:
            raise
        click.echo(f"gu1lint: internal error: {type(exc).__name__}: {one_line(str(exc))} "
                   "(rerun with --debug)", err=True)
        return 2
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
