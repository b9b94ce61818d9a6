"""Fleet files (TOML): templates, counts, id patterns, URLs and source addresses spread round-robin."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

from ocppsim.csms.server import CentralSystem
from ocppsim.settings.fleet_file import load_fleet_file
from ocppsim.settings.specs import SettingsError

FILE = """
[fleet]
urls = ["ws://127.0.0.1:{port}/ocpp", "ws://127.0.0.1:{port}/other"]
source_addresses = ["127.0.0.2", "127.0.0.3"]
conf_dir = "{data}"
ramp = 0
seed = 7

[[template]]
name = "ac22"
count = 3
id_pattern = "AC{{:03d}}"
vendor = "ACME"
model = "AC22"
connectors = 2
max_current = 32
phases = 3
voltage = 230

[[template]]
name = "wallbox"
count = 2
id_pattern = "WB{{:03d}}"
model = "WB11"
max_current = 16
phases = 1
"""


def write(tmp_path: Path, text: str, port: int = 9) -> Path:
    path = tmp_path / "fleet.toml"
    path.write_text(text.format(port=port, data=tmp_path / "data"))
    return path


def test_templates_expand_and_spread(tmp_path: Path) -> None:
    spec = load_fleet_file(write(tmp_path, FILE))
    ids = [c.params.charge_point_id for c in spec.chargers]
    assert ids == ["AC001", "AC002", "AC003", "WB001", "WB002"]
    assert [c.url.rsplit("/", 1)[-1] for c in spec.chargers] == ["ocpp", "other", "ocpp", "other", "ocpp"]
    assert [c.source_address for c in spec.chargers] == ["127.0.0.2", "127.0.0.3"] * 2 + ["127.0.0.2"]
    ac, wb = spec.chargers[0].params, spec.chargers[3].params
    assert (ac.number_of_connectors, ac.max_offer_a, ac.boot_info.charge_point_vendor) == (2, 32.0, "ACME")
    assert (wb.phases, wb.max_offer_a, wb.boot_info.charge_point_model) == (1, 16.0, "WB11")
    assert spec.seed == 7 and spec.ramp_per_s is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('id_pattern = "WB{{:03d}}"', 'id_pattern = "AC{{:03d}}"'), "used twice"),
        (
            ('urls = ["ws://127.0.0.1:{port}/ocpp", "ws://127.0.0.1:{port}/other"]', 'urls = ["http://x"]'),
            "urls",
        ),
        (("count = 3", 'count = "three"'), "expected int"),
        (("phases = 1", "phases = 4"), "phases"),
        (('[[template]]\nname = "wallbox"', '[[template]]\nname = "wallbox"\nsecurity_profile = 9'), "0-3"),
        (
            ('[[template]]\nname = "wallbox"', '[[template]]\nname = "wallbox"\nsecurity_profile = 2'),
            "ca_file",
        ),
        (
            (
                '[[template]]\nname = "wallbox"',
                '[[template]]\nname = "wallbox"\nsecurity_profile = 3\nca_file = "c"',
            ),
            "client_cert",
        ),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    assert change[0] in FILE
    with pytest.raises(SettingsError, match=message):
        load_fleet_file(write(tmp_path, FILE.replace(change[0], change[1])))


async def test_fleet_file_run_connects_from_the_source_addresses(tmp_path: Path, csms: CentralSystem) -> None:
    path = write(tmp_path, FILE, port=csms.port)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ocppsim",
        "fleet",
        "--config",
        str(path),
        "--duration",
        "1",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()
    summary = json.loads(next(line for line in out.decode().splitlines() if line.startswith("summary: "))[9:])
    # 5 boots; StatusNotification for connector 0 and each connector: 3 x (1 + 2) + 2 x (1 + 1) = 13
    # and each charger's StartupOfTheDevice (Security Whitepaper section 8).
    assert summary["calls_out_by_action"] == {
        "BootNotification": 5,
        "StatusNotification": 13,
        "SecurityEventNotification": 5,
    }
    assert sorted(csms.peers) == ["AC001", "AC002", "AC003", "WB001", "WB002"]
    assert csms.peers["AC001"] == "127.0.0.2" and csms.peers["AC002"] == "127.0.0.3"
    boots = {f.charger_id: f.payload["chargePointModel"] for f in csms.calls(action="BootNotification")}
    assert boots["AC001"] == "AC22" and boots["WB002"] == "WB11"


def test_http_section_and_templates_by_name(tmp_path: Path) -> None:
    text = FILE + '\n[http]\nport = 8099\ntoken = "t0k"\naddr = "0.0.0.0"\nlog_size = 50\n'
    spec = load_fleet_file(write(tmp_path, text))
    assert spec.http is not None
    assert (spec.http.host, spec.http.port, spec.http.token, spec.http.log_size) == (
        "0.0.0.0",
        8099,
        "t0k",
        50,
    )
    assert sorted(spec.templates) == ["ac22", "wallbox"]
    assert spec.templates["wallbox"].params.charge_point_id == ""
    assert spec.templates["wallbox"].params.phases == 1
    with pytest.raises(SettingsError, match="token"):
        load_fleet_file(write(tmp_path, FILE + '\n[http]\naddr = "0.0.0.0"\n'))
    assert load_fleet_file(write(tmp_path, FILE + "\n[http]\nenabled = false\n")).http is None


def test_max_power_and_ev_mix_per_template(tmp_path: Path) -> None:
    text = FILE.replace(
        'model = "WB11"',
        'model = "WB11"\nmax_power = 3680\nev_capacities_wh = [30000]\nev_initial_soc = [50, 50]\n'
        "ev_max_currents_a = [10]\nev_phases = [1]",
    )
    spec = load_fleet_file(write(tmp_path, text))
    wallbox, ac = spec.chargers[3], spec.chargers[0]
    assert wallbox.params.max_offer_a == pytest.approx(16.0)  # 3680 W / (230 V x 1 phase)
    assert wallbox.ev_mix is not None and wallbox.ev_mix.capacities_wh == (30000.0,)
    assert wallbox.ev_mix.initial_soc == (50.0, 50.0) and wallbox.ev_mix.phases == (1,)
    assert ac.ev_mix is None  # the fleet-wide mix
    for bad, message in [
        ("ev_phases = [1]", "ev_phases = [4]"),
        ("ev_initial_soc = [50, 50]", "ev_initial_soc = [5]"),
    ]:
        with pytest.raises(SettingsError, match=r"phases|low, high"):
            load_fleet_file(write(tmp_path, text.replace(bad, message)))


async def test_generator_draws_from_the_charger_s_ev_mix(tmp_path: Path) -> None:
    from ocppsim.model.charger import ChargerParams
    from ocppsim.model.vehicles import EvMix
    from ocppsim.runtime.clock import FakeClock
    from ocppsim.runtime.fleet import Fleet
    from ocppsim.runtime.station import StationOptions
    from ocppsim.runtime.transaction_generator import SessionMix, TransactionGenerator
    from ocppsim.store import Store

    clock = FakeClock()
    fleet = Fleet(clock=clock, store=Store(tmp_path))
    small = fleet.add(ChargerParams("SMALL"), StationOptions(url="ws://127.0.0.1:9/ocpp"))
    other = fleet.add(ChargerParams("OTHER"), StationOptions(url="ws://127.0.0.1:9/ocpp"))
    mix = EvMix(capacities_wh=(30_000.0,), initial_soc=(50.0, 50.0), max_currents_a=(10.0,), phases=(1,))
    generator = TransactionGenerator(
        [small, other], clock=clock, seed=5, mix=SessionMix(mean_arrival_s=10), ev_mixes={"SMALL": mix},
        record_events=True,
    )  # fmt: skip
    task = asyncio.create_task(generator.run())
    for _ in range(100):
        await clock.advance(5)
        await asyncio.sleep(0)
        if {e[1] for e in generator.stats.events} == {"SMALL", "OTHER"}:
            break
    task.cancel()
    arrivals = {e[1]: e[3] for e in generator.stats.events if e[3].startswith("arrive")}
    assert arrivals["SMALL"].endswith("30000Wh 50.0% 10A 1ph")
    assert not arrivals["OTHER"].endswith("30000Wh 50.0% 10A 1ph")


def test_template_ocpp_version(tmp_path: Path) -> None:
    text = FILE.replace('model = "WB11"', 'model = "WB11"\nocpp_version = "2.0.1"')
    spec = load_fleet_file(write(tmp_path, text))
    assert [c.params.ocpp_versions for c in spec.chargers] == [("1.6",)] * 3 + [("2.0.1",)] * 2
    with pytest.raises(SettingsError, match="ocpp_version"):
        load_fleet_file(write(tmp_path, FILE.replace('model = "WB11"', 'model = "WB11"\nocpp_version = "9"')))


def test_security_options_per_template(tmp_path: Path) -> None:
    """Security Whitepaper: skip only the host name check of the CSMS's certificate, per template."""
    from ocppsim.control.fleet.run import station_options

    text = FILE.replace('model = "WB11"', 'model = "WB11"\ntls_skip_hostname_check = true')
    spec = load_fleet_file(write(tmp_path, text))
    wallbox, ac = spec.templates["wallbox"], spec.templates["ac22"]
    assert station_options(wallbox).tls_skip_hostname_check
    assert not station_options(ac).tls_skip_hostname_check
    with pytest.raises(SettingsError, match="tls_skip_hostname_check"):
        load_fleet_file(
            write(tmp_path, text.replace("tls_skip_hostname_check = true", 'tls_skip_hostname_check = "x"'))
        )
