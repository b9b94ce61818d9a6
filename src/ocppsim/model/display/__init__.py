"""What the charging station shows its user (OCPP 2.0.1 part 2 O Display Message, I Tariff and Cost)."""
