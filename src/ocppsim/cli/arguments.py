"""What several commands parse alike: the argument parser's error style and the REST API flags (their
meaning is read by ocppsim.settings.flags)."""

from __future__ import annotations

import argparse
import os
import sys

from ocppsim.settings.flags import HTTP_TOKEN_ENV

__all__ = ["Parser", "add_http_flags"]


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse already exits with 2; keep its message clear and short.
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def add_http_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--http",
        metavar="[HOST:]PORT",
        help="serve the REST API and dashboard (default host 127.0.0.1; overrides [http])",
    )
    p.add_argument(
        "--http-token",
        default=os.environ.get(HTTP_TOKEN_ENV),
        help=f"bearer token of the REST API, required off loopback (default: ${HTTP_TOKEN_ENV}; the"
        " environment keeps it out of the process list)",
    )
