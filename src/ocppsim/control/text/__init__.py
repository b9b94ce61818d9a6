"""The text surface: the original ocppsim's command grammar and WebSocket interface, the fleet's
addressing of it (`charger <id>`, `#<id> ...`) and the interactive shell."""
