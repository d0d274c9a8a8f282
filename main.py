"""Entry point of the trade planner.

``python main.py [FILE]`` opens the desktop app (on FILE, or the bundled sample plan);
``python main.py --screenshot OUT.png [FILE]`` renders the window offscreen to a PNG and exits;
``python main.py <command> …`` runs a headless command (``python main.py --help`` lists them).
"""

from __future__ import annotations

import argparse
import os
import sys


def _gui_parser(commands: list[str]) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="main.py",
        description="Isolated-margin trade planner for leveraged perpetual futures.",
        epilog="headless commands (no display needed):\n" + "\n".join(
            f"  {c:<10} python main.py {c} --help" for c in commands),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", nargs="?", help="plan workbook to open (default: the sample plan)")
    p.add_argument("--screenshot", metavar="OUT.png",
                   help="render the main window offscreen to a PNG and exit")
    p.add_argument("--journal", metavar="PATH",
                   help="journal file (default: $TRADE_PLANNER_JOURNAL, else journal.sqlite3 "
                        "in the user data folder)")
    return p


def _no_display() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    return (sys.platform.startswith("linux") and not platform
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"))


NO_DISPLAY_HELP = """\
No display found (DISPLAY and WAYLAND_DISPLAY are unset), so the window cannot open.
Use the headless commands instead, e.g.:
  python main.py compute resources/sample_plan.xlsx --json
or render the window without a display:
  QT_QPA_PLATFORM=offscreen python main.py --screenshot out.png
"""


def main(argv: list[str] | None = None) -> int:
    """Run the app or a headless command; return the exit code."""
    from planner.cli import COMMANDS, run

    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in COMMANDS:
        return run(argv)
    args = _gui_parser(list(COMMANDS)).parse_args(argv)
    if args.journal:
        os.environ["TRADE_PLANNER_JOURNAL"] = os.path.abspath(args.journal)
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif _no_display():
        sys.stderr.write(NO_DISPLAY_HELP)
        return 2
    from ui.app import run_app

    return run_app(args.file, screenshot=args.screenshot)


if __name__ == "__main__":
    sys.exit(main())
