"""Files: an output made the same file as another one.

Input: a source file and a target path; output: the target, as a hard link to the source
where the file system allows (built outputs are never written into once written: a build
writes new files), else as a copy; the target's folder is made when missing.
"""

from __future__ import annotations

import os
import shutil


def link_or_copy(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """`target` made the same file as `source` (a hard link, or a copy)."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
