"""The web layer: one catch-all ASGI endpoint for the AWS protocols, plus per-service tables."""
