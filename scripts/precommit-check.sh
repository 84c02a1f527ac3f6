#!/bin/sh
# Entry of the pre-commit hook (.pre-commit-config.yaml): runs 'build.py check'
# with the project's own virtual environment, so a commit made from a terminal
# without it activated, or from a git GUI, is checked the same way.
cd "$(git rev-parse --show-toplevel)" || exit 1
for python in .venv/bin/python .venv/Scripts/python.exe; do
  if [ -x "$python" ]; then
    exec "$python" build.py check
  fi
done
if python3 -c 'import projcat.engine.pipeline' 2>/dev/null; then
  exec python3 build.py check
fi
# Not installed yet: say so in the site's words (the strings table needs no packages).
python3 -c 'import sys; sys.path.insert(0, "."); from projcat.strings import message; print(message("fi", "precommit.no_tools", {}), file=sys.stderr)'
exit 1
