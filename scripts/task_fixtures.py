"""Fixtures and goldens for classifier heads (multi-label, regression), sentence pairs and zero-shot.

Run by `npm run models:export` (the hook at the end of export_models.main) or alone:
    /usr/bin/python3 scripts/task_fixtures.py [target ...]
"""

from typing import List


def main(targets: List[str] = (), gradients_only: bool = False) -> None:
    """Called by export_models.main with its targets; builds nothing yet."""
