"""The read-only views: `plan` (JSON), `status` (a table), `board` (a page), `explain`."""

from __future__ import annotations

import argparse
import json
import sys

from daemon.cli.common import (
    config_of,
    find_application,
    marks_of,
    now_of,
    plan_for,
    plan_with_ledger,
)


def cmd_plan(args: argparse.Namespace) -> int:
    from daemon.render import plan_to_json

    config = config_of(args)
    plan = plan_for(config, now_of(args), marks_of(config), refresh=args.refresh)
    json.dump(plan_to_json(plan, drafts=args.drafts), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from daemon.report import ledger_lines
    from daemon.status import print_status

    plan, ledger, _ = plan_with_ledger(args)
    print_status(plan, show_all=args.all)
    print()
    print("\n".join(ledger_lines(plan, ledger)))
    return 0


def cmd_board(args: argparse.Namespace) -> int:
    """The plan as one self-contained HTML page (no network), optionally opened."""
    from daemon.board import render_board, write_board

    config = config_of(args)
    plan = plan_for(config, now_of(args), marks_of(config))
    output = args.output or config.board_path
    if output is None:
        from platformdirs import user_data_path

        output = user_data_path("followup") / "board.html"
    output = output.expanduser().resolve()
    write_board(output, render_board(plan, config.settings))
    print(f"wrote {output} ({len(plan.applications)} applications)")
    if args.open:
        import webbrowser

        if not webbrowser.open(output.as_uri()):
            print(f"followup: no browser found; open {output.as_uri()} yourself", file=sys.stderr)
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from daemon.report import explain_lines

    plan, ledger, marks = plan_with_ledger(args)
    app = find_application(plan, args.interview)
    print("\n".join(explain_lines(app, ledger, plan)))
    own = [m for m in marks if m.interview_id == app.interview.interview_id]
    if own:
        print("marks:")
        for mark in own:
            value = f" {mark.value}" if mark.value else ""
            at = mark.marked_at.astimezone(plan.generated_at.tzinfo)
            print(f"  {mark.kind.value}{value} ({at:%a %d %b %Y %H:%M})")
    return 0
