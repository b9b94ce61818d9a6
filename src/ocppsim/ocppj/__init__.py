"""OCPP-J, the JSON over WebSocket RPC both protocol versions speak (1.6 OCPP-J section 4, 2.0.1 part 4
section 4): the frames and their encoding. What differs between the versions (the CALLERROR code names,
whether an unknown message type is answered) is a parameter, given by each version's adapter."""
