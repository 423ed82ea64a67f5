"""Files: an output made the same file as another one, and a file's bytes as its text.

Input: a source file and a target path; output: the target, as a hard link to the source
where the file system allows (built outputs are never written into once written: a build
writes new files), else as a copy; the target's folder is made when missing. `text_of`
gives the text `Path.read_text` would, from bytes already read (a file read once can be
known by a digest of its bytes, and decoded only when needed).
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


def text_of(data: bytes, errors: str = "strict") -> str:
    """`data` as `Path.read_text(encoding="utf-8", errors=errors)` gives a file holding it:
    UTF-8, with "\\r\\n" and "\\r" read as "\\n"."""
    text = data.decode("utf-8", errors)
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
