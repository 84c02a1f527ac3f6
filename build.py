#!/usr/bin/env python3
"""Entry point: `python build.py [build|check|serve|new] ...` (see README.md)."""

from projcat.cli import run

if __name__ == "__main__":
    run()
