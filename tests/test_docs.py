"""The README documents every setting and the two commands."""

from pathlib import Path

from assistant.settings import Settings, describe_settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    for name, _, description in describe_settings(Settings()):
        group, field = name.split(".")
        assert f"`{name}`" in README and f"COOPGUIDE_{group.upper()}__{field.upper()}" in README, name
        assert description, f"{name} has no description"


def test_readme_shows_the_two_commands():
    assert "make run" in README and "make test" in README
