"""ocppsim chargers as Locust users (see ocppsim.control.locust_user):

locust -f "$(ocppsim locustfile)" --host ws://127.0.0.1:9000/ocpp
"""

from ocppsim.control.locust_user import ChargerUser

__all__ = ["ChargerUser"]
