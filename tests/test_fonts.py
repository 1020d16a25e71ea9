"""Without libharfbuzz-subset, PDFs are slow: koban says so once, with the package to install."""

import os

import pytest

from koban_cli.render import fonts


def test_a_missing_harfbuzz_subset_is_said_once_with_the_package_to_install(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(fonts.ctypes.util, "find_library", lambda name: None)
    fonts.check_subsetting(tmp_path)
    fonts.check_subsetting(tmp_path)
    assert capsys.readouterr().err == (
        "Note: libharfbuzz-subset is not installed: PDFs render about four times slower "
        "(Debian/Ubuntu: apt-get install libharfbuzz-subset0). This note is shown once.\n"
    )


def test_nothing_is_said_when_harfbuzz_subset_is_there(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(fonts.ctypes.util, "find_library", lambda name: "libharfbuzz-subset.so.0")
    fonts.check_subsetting(tmp_path)
    assert capsys.readouterr().err == "" and not any(tmp_path.iterdir())


def test_the_libraries_weasyprint_looks_for_are_looked_up_once_while_the_system_is_unchanged(monkeypatch, tmp_path):
    """Each library name WeasyPrint tries and misses costs ldconfig, gcc and ld runs: the answers are kept."""
    import ctypes.util

    from koban_cli.render import libraries

    if libraries._key() is None:
        pytest.skip("remembered on Linux only")
    asked = []

    def lookup(name):
        asked.append(name)
        return {"pango-1.0": "libpango-1.0.so.0"}.get(name)

    monkeypatch.setattr(ctypes.util, "find_library", lookup)
    for _ in range(2):
        with libraries.remembered(tmp_path):
            assert ctypes.util.find_library("libpango-1.0-0") is None
            assert ctypes.util.find_library("pango-1.0") == "libpango-1.0.so.0"
        assert ctypes.util.find_library is lookup  # given back as it was
    assert asked == ["libpango-1.0-0", "pango-1.0"]

    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ.get('PATH', '')}")  # no other gcc or ld: still known
    with libraries.remembered(tmp_path):
        assert ctypes.util.find_library("pango-1.0") == "libpango-1.0.so.0"
    assert asked == ["libpango-1.0-0", "pango-1.0"]

    monkeypatch.setenv("LD_LIBRARY_PATH", str(tmp_path))  # the system changed: looked up again
    with libraries.remembered(tmp_path):
        assert ctypes.util.find_library("pango-1.0") == "libpango-1.0.so.0"
    assert asked == ["libpango-1.0-0", "pango-1.0", "pango-1.0"]


def test_a_library_cache_that_cannot_be_read_or_written_changes_nothing(monkeypatch, tmp_path):
    import ctypes.util

    from cffi import FFI

    from koban_cli.render import libraries

    monkeypatch.setattr(ctypes.util, "find_library", lambda name: "libpango-1.0.so.0")
    (tmp_path / libraries.FILE).write_text("{not json")
    (tmp_path / libraries.PARSED).write_bytes(b"not a pickle")
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    for folder in (tmp_path, not_a_folder):
        with libraries.remembered(folder):
            assert ctypes.util.find_library("pango-1.0") == "libpango-1.0.so.0"
            ffi = FFI()
            ffi.cdef("typedef struct { int x; double y; } point;")
            assert ffi.sizeof("point") == 16


def test_the_c_declarations_weasyprint_makes_are_parsed_once_per_text(monkeypatch, tmp_path):
    """cffi parses WeasyPrint's declarations (and each C type met while rendering) on every print: each syntax
    tree is kept, keyed by the text parsed."""
    from cffi import FFI, cparser

    from koban_cli.render import libraries

    parsed, real = [], cparser._get_parser

    class Counted:
        def parse(self, text):
            parsed.append(text)
            return real().parse(text)

    counted = Counted()
    monkeypatch.setattr(cparser, "_get_parser", lambda: counted)
    given, counts = cparser._get_parser, []
    for _ in range(2):
        with libraries.remembered(tmp_path):
            ffi = FFI()
            ffi.cdef("typedef struct { int x; double y; } point; double norm(point *);")
            assert (ffi.sizeof("point"), ffi.typeof("point *").item.fields[1][0]) == (16, "y")
        assert cparser._get_parser is given  # given back as it was
        counts.append(len(parsed))
    assert counts == [3, 3]  # the declarations and the two types, on the first run only
    with libraries.remembered(tmp_path):
        FFI().cdef("typedef struct { int x; double y; } point; double dot(point *, point *);")
    assert len(parsed) == 4  # another text is parsed


def test_a_kept_declaration_that_is_no_syntax_tree_is_parsed_again(tmp_path):
    import pickle

    from cffi import FFI

    from koban_cli.render import libraries

    declarations = "typedef struct { int x; double y; } point; double twice(point *);"
    with libraries.remembered(tmp_path):
        FFI().cdef(declarations)
    kept = pickle.loads((tmp_path / libraries.PARSED).read_bytes())
    kept["found"] = {digest: pickle.dumps(42) for digest in kept["found"]}  # read back fine, but not a tree
    (tmp_path / libraries.PARSED).write_bytes(pickle.dumps(kept))
    libraries._trees.clear()  # as a new process would
    with libraries.remembered(tmp_path):
        ffi = FFI()
        ffi.cdef(declarations)
        assert ffi.sizeof("point") == 16
