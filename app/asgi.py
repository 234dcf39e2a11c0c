"""The ASGI application for uvicorn workers (`rankfile serve` points each worker here)."""

from app.main import create_app

app = create_app()
