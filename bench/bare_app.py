"""The yardstick for bench/server_bench.py: a Flask app that does nothing.

Served by the same gunicorn command as the real app, so the ratio of the two
shows what the app's own work costs, not what Python, Flask and gunicorn do.
Never part of the real app's routes.
"""

from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/bare")
    def bare():
        request.get_data()  # read the body, as the real endpoints do
        return jsonify({"ok": True})

    return app
