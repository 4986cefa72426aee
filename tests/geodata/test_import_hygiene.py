"""geodata stands alone: no Textual, no dispatch, no console at import time."""

from __future__ import annotations

import subprocess
import sys


def test_geodata_imports_nothing_from_the_upper_layers() -> None:
    code = (
        "import sys\n"
        "import geodata, geodata.packs, geodata.geocoder, geodata.travel\n"
        "import geodata.coords, geodata.distance, geodata.address\n"
        "import geodata.gazetteer, geodata.text\n"
        "geodata.packs.load_pack('blitar')\n"
        "top = {m.split('.')[0] for m in sys.modules}\n"
        "print(','.join(sorted(top & {'textual', 'dispatch', 'console'})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""
