"""The README speaks German to users: the two commands first, another port when 8000 is
taken, and the user part in German (the developer part may stay English)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_two_commands_come_first():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert README.index("```sh") < README.index("\n## ")
    assert [line.split()[:2] for line in first_block.splitlines()] == [
        ["make", "run"],
        ["make", "test"],
    ]


def test_another_port_is_explained_and_the_makefile_honours_it():
    assert "PORT=8001 make run" in README
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "PORT ?= 8000" in makefile and "runserver $(HOST):$(PORT)" in makefile


def test_the_user_part_is_german():
    user_part = README[: README.index("## Für Entwickler")]
    headings = re.findall(r"^## (.+)$", user_part, re.M)
    assert headings == ["Was das Produkt kann", "Rollen"]
    for english in ("What the product does", "Both commands", "| role | sees |", "Demo logins"):
        assert english not in user_part
