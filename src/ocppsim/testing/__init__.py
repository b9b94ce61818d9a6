"""For people testing a central system with simulated chargers: the harness (harness.py), frame
exchanges and field matchers, the pytest plugin (pytest_plugin.py, entry point pytest11) and scenario files
(scenario/). See docs/testing-a-csms.md."""
