"""What both ends of the WebSocket share, the charger runtime and the built-in central system alike: the
choice of WebSocket library (`ws_library`) and its closed-connection exceptions (`ws_closed`), and the
CALL counts and answer-latency histograms either end keeps (`call_stats`). Neither end reaches into the
other."""
