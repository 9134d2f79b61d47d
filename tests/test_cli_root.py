import pytest
from typer.testing import CliRunner

from harness import __version__
from harness.cli import app
from harness.registry import Registry, UnknownNameError


def test_cli__version():
    result = CliRunner().invoke(app, ["version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_registry__unknown_name_suggests_closest():
    reg: Registry[int] = Registry("variant")
    reg.add("template", 1)
    reg.add("predictions", 2)
    with pytest.raises(UnknownNameError, match="did you mean 'template'"):
        reg.get("templat")


def test_registry__duplicate_rejected():
    reg: Registry[int] = Registry("metric")
    reg.add("a", 1)
    with pytest.raises(ValueError, match="registered twice"):
        reg.add("a", 2)
