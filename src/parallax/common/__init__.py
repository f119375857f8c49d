"""Small helpers shared by several stages (no stage logic lives here)."""
