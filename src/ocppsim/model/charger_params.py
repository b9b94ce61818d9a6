"""What a charger is built with: the parameters a charger is made from (INI, fleet template, REST), fixed
for its life; the blocks read them through `ChargerState.params`. Apart from charger_state.py, which holds
what changes."""

from __future__ import annotations

from dataclasses import dataclass, field

from ocppsim.model.outgoing import BootInfo

__all__ = ["ChargerParams"]


@dataclass(frozen=True, slots=True)
class ChargerParams:
    charge_point_id: str
    number_of_connectors: int = 1
    max_offer_a: float = 32.0  # hardware limit per connector (INI max_offer)
    min_to_start_a: float = 6.0  # below this offer the EVSE suspends (INI min_to_start)
    phases: int = 3
    boot_info: BootInfo = field(default_factory=BootInfo)
    default_profiles: bool = False
    meter_values_sample_interval: int = 60
    ev_capacity_wh: float = 100_000.0
    ev_initial_soc: float = 20.0
    # None: the EV takes whatever is offered up to max_offer (the original's energy = offer x V x phases).
    ev_max_current_a: float | None = None
    # Tests run strict: a status change outside the OCPP transition table raises.
    strict_transitions: bool = False
    # Certificates configured (INI; SWP profiles 2, 3); model/security counts installed ones too.
    has_central_system_root_certificate: bool = False
    has_charge_point_certificate: bool = False
    # Switchable failures of the FirmwareManagement profile (OCTT TC_044_2, TC_044_3, TC_045_2): every
    # download attempt fails, the installation fails, every upload attempt fails. Initial values; the
    # firmware block keeps the live switches.
    firmware_download_fails: bool = False
    firmware_install_fails: bool = False
    diagnostics_upload_fails: bool = False
    # What the charge point is built with (model/hardware.py; issue 17 item 7): None = all six profiles.
    feature_profiles: tuple[str, ...] | None = None
    fixed_cable: bool = False
    lock_fails: bool = False
    # The OCPP versions the charger speaks, in the order it offers them ("1.6", "2.0.1"); the first is
    # the one it is built for (a 2.0.1 charger has the device model's keys, model/device_model/keys.py).
    ocpp_versions: tuple[str, ...] = ("1.6",)
    # German calibration law (Eichrecht): "ocmf" signs the Transaction.Begin / End energy readings
    # (model/metering/block.py decides what, runtime/ocmf_signer.py signs); None: Raw values only.
    signed_meter_values: str | None = None
