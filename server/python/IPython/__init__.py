"""Minimal stand-in for IPython used by the local AgentBay-compatible server.

Only the display API is provided, so that notebook-style code such as
``from IPython.display import display, Markdown`` runs outside Jupyter.
"""

from IPython.display import display  # noqa: F401


def get_ipython():
    # Code often checks this to detect a notebook; there is no kernel here.
    return None
