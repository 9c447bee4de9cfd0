"""`bench --help` and the listing commands stay light: building the parser loads none of the heavy layers."""

import subprocess
import sys

HEAVY = ("mlflow", "matplotlib", "torch", "sklearn", "anonymeter", "bench.metrics", "bench.report", "bench.tracking")
CHECK = f"""
import sys
from bench.cli import build_parser
build_parser()
print(",".join(name for name in {HEAVY!r} if name in sys.modules))
"""


def test_building_the_parser_imports_no_heavy_layer():
    loaded = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "", f"bench --help now imports {loaded}: import it inside the command that needs it"


def test_the_check_sees_a_heavy_import_when_there_is_one():
    heavier = CHECK.replace("build_parser()", "build_parser(); import bench.report.build")
    loaded = subprocess.run([sys.executable, "-c", heavier], capture_output=True, text=True, check=True).stdout.strip()
    assert "matplotlib" in loaded.split(",") and "bench.report" in loaded.split(",")
