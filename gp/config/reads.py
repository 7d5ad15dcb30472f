"""What a load looked at on disk: each file's content digest, each folder listing, each
existence test (a ``.git`` looked for too: it sets the repository's boundary). A cached outcome of the load (``gp.outcome_cache``) is reused only while every
one of these answers the same, so an edited, added or removed file is always seen."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Reads:
    # path -> sha256 of its bytes, or None when it could not be read
    files: dict[str, str | None] = field(default_factory=dict)
    # (folder, pattern) -> the names the glob found, in order
    listings: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    # (test, path) -> answer, for is_file, is_dir and resolve
    tests: dict[tuple[str, str], object] = field(default_factory=dict)
    # Records of a part of the load (an object block being evaluated, ``gp.config.memo``):
    # each is told every answer given while it is here.
    taps: list[Reads] = field(default_factory=list, repr=False, compare=False)

    def read_bytes(self, path: Path) -> bytes:
        try:
            data = path.read_bytes()
        except OSError:
            self._note("files", str(path), None)
            raise
        self._note("files", str(path), digest(data))
        return data

    def digest_of(self, path: Path) -> str:
        return digest(self.read_bytes(path))

    def _note(self, table: str, key, answer) -> None:
        getattr(self, table)[key] = answer
        for tap in self.taps:
            tap._note(table, key, answer)

    def read_text(self, path: Path) -> str:
        """As ``Path.read_text(encoding="utf-8")``: universal newlines."""
        text = self.read_bytes(path).decode("utf-8")
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def glob(self, folder: Path, pattern: str) -> list[Path]:
        found = sorted(folder.glob(pattern))
        self._note("listings", (str(folder), pattern), tuple(p.name for p in found))
        return found

    def is_file(self, path: Path) -> bool:
        return self._test("is_file", path)

    def is_dir(self, path: Path) -> bool:
        return self._test("is_dir", path)

    def exists(self, path: Path) -> bool:
        return self._test("exists", path)

    def resolve(self, path: Path) -> Path:
        return Path(self._test("resolve", path))

    def answer(self, test: str, path: Path):
        """The answer to ``test`` ("is_file", "is_dir" or "resolve") for ``path``, recorded."""
        return self._test(test, path)

    def _test(self, test: str, path: Path):
        answer = _answer(test, path)
        self._note("tests", (test, str(path)), answer)
        return answer

    def update(self, other: Reads) -> None:
        """Take in what ``other`` recorded (a cached outcome's reads)."""
        self.files.update(other.files)
        self.listings.update(other.listings)
        self.tests.update(other.tests)

    def unchanged(self) -> bool:
        """Whether every recorded answer is still the same (reads every recorded file again)."""
        for (test, path), answer in self.tests.items():
            if _answer(test, Path(path)) != answer:
                return False
        for (folder, pattern), names in self.listings.items():
            if tuple(p.name for p in sorted(Path(folder).glob(pattern))) != names:
                return False
        for path, known in self.files.items():
            try:
                now = digest(Path(path).read_bytes())
            except OSError:
                now = None
            if now != known:
                return False
        return True


class MemoryReads(Reads):
    """A module that exists only in memory: ``files`` (path -> text) are its files, and every
    folder above them; nothing is read from disk. `gp import --generate-config` loads the
    configuration it wrote this way before writing it anywhere."""

    def __init__(self, files: dict[Path, str]):
        super().__init__()
        self.texts = {Path(p): t for p, t in files.items()}
        self.folders = {parent for p in self.texts for parent in p.parents}

    def read_bytes(self, path: Path) -> bytes:
        if Path(path) not in self.texts:
            raise FileNotFoundError(f"{path} is not part of the module")
        data = self.texts[Path(path)].encode("utf-8")
        self.files[str(path)] = digest(data)
        return data

    def glob(self, folder: Path, pattern: str) -> list[Path]:
        found = sorted(p for p in self.texts if p.parent == Path(folder) and p.match(pattern))
        self.listings[(str(folder), pattern)] = tuple(p.name for p in found)
        return found

    def is_file(self, path: Path) -> bool:
        return Path(path) in self.texts

    def is_dir(self, path: Path) -> bool:
        return Path(path) in self.folders

    def resolve(self, path: Path) -> Path:
        return Path(path)

    def unchanged(self) -> bool:
        return True  # nothing on disk to change


def _answer(test: str, path: Path):
    if test == "is_file":
        return path.is_file()
    if test == "is_dir":
        return path.is_dir()
    if test == "exists":
        return path.exists()
    return str(path.resolve())
