"""The baseline for bench/load.py: a bare Flask app answering a constant."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    """A constant, as cheap as Flask can answer."""
    return "ok"
