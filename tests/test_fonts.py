"""Without libharfbuzz-subset, PDFs are slow: koban says so once, with the package to install."""

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
