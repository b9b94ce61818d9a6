"""The files of the CPO's certificate authority in `ocppsim csms --ca DIR` (csms/ca.py), named apart from
it so that the command line can name them without loading `cryptography`."""

from __future__ import annotations

__all__ = ["KEY_FILE", "ROOT_FILE"]

ROOT_FILE = "cpo-root.pem"  # the CentralSystemRootCertificate a charger installs (its ca_file)
KEY_FILE = "cpo-root.key"
