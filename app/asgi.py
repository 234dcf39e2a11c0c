"""The ASGI application for uvicorn workers (`rankfile serve` points each worker here)."""

from app.main import create_app, settle_startup_memory

app = create_app()
settle_startup_memory()
