"""ocppsim chargers as Locust users (see ocppsim.control.locust.user):

locust -f "$(ocppsim locustfile)" --host ws://127.0.0.1:9000/ocpp
"""

from ocppsim.control.locust.user import ChargerUser

__all__ = ["ChargerUser"]
