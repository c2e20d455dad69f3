"""A ``multipart/form-data`` upload spooled to disk, read without holding it in memory: its small
fields and where its file part lies (RFC 7578); and a file's byte range, streamed in chunks.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

from synthgen.mock.server.faults import APIError

CHUNK = 1 << 20


def boundary_of(content_type: str) -> bytes:
    kind, _, params = content_type.partition(";")
    if kind.strip().lower() != "multipart/form-data":
        raise APIError(400, "Uploads must be multipart/form-data.")
    for param in params.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "boundary" and value:
            return value.strip('"').encode()
    raise APIError(400, "The multipart upload has no boundary.")


def multipart_parts(path: Path, boundary: bytes) -> tuple[dict[str, str], tuple[str, int, int] | None]:
    """The small fields of a multipart body on disk, and the file part as (name, start, end).

    RFC 7578: parts are separated by CRLF ``--boundary``; each has headers, a blank line, and
    its bytes up to the next separator.
    """
    separator = b"\r\n--" + boundary
    marks = _find_all(path, separator, first=b"--" + boundary)
    fields: dict[str, str] = {}
    file_part = None
    with path.open("rb") as handle:
        for here, after in itertools.pairwise(marks):
            handle.seek(here)
            head = handle.read(min(after - here, 4096))
            header_end = head.find(b"\r\n\r\n")
            if header_end < 0:
                continue
            headers = head[:header_end].decode("utf-8", "replace")
            name, filename = _disposition(headers)
            start, end = here + header_end + 4, after - len(separator)
            if filename is not None:
                file_part = (filename, start, end)
            elif name:
                handle.seek(start)
                fields[name] = handle.read(min(end - start, 4096)).decode("utf-8", "replace")
    return fields, file_part


def _find_all(path: Path, separator: bytes, first: bytes) -> list[int]:
    """Offsets just past each separator (the body may open with one without its CRLF)."""
    marks: list[int] = []
    with path.open("rb") as handle:
        if handle.read(len(first)) == first:
            marks.append(len(first))
        handle.seek(0)
        offset, tail = 0, b""
        while chunk := handle.read(CHUNK):
            window = tail + chunk
            base = offset - len(tail)
            at = window.find(separator)
            while at >= 0:
                marks.append(base + at + len(separator))
                at = window.find(separator, at + 1)
            offset += len(chunk)
            tail = window[-(len(separator) - 1) :]
    return sorted(set(marks))


def _disposition(headers: str) -> tuple[str | None, str | None]:
    name = filename = None
    for line in headers.split("\r\n"):
        if line.lower().startswith("content-disposition:"):
            for item in line.split(";")[1:]:
                key, _, value = item.strip().partition("=")
                if key == "name":
                    name = value.strip('"')
                elif key == "filename":
                    filename = value.strip('"')
    return name, filename


def read_range(path: Path, start: int, end: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(start)
        left = end - start
        while left > 0 and (chunk := handle.read(min(CHUNK, left))):
            left -= len(chunk)
            yield chunk
