"""Writing one of the caches kept beside the state or in the user's cache folder (the
kept plan, the holiday years, the compiled patterns): whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def replace_file(path: Path, data: bytes) -> None:
    """`data` as `path`, mode 0600, through a temporary file of its own renamed over it: a
    reader sees the old file or the new one, and two writers at once cannot interleave in
    one temporary file. Raises OSError; nothing is left behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
