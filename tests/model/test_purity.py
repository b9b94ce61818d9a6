"""The model is pure: importing it pulls in no I/O library (ARCHITECTURE.md, layer rules)."""

import subprocess
import sys


def test_model_imports_no_io_modules() -> None:
    code = (
        "import sys, ocppsim.model.charger, ocppsim.model.smart_charging;"
        "bad = [m for m in ('asyncio', 'websockets', 'ocpp', 'sqlite3', 'socket', 'fastjsonschema', 'ssl')"
        " if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
