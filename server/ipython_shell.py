"""IPython's own InteractiveShell as the session's kernel, so cells behave as in Jupyter
(ipykernel runs this same shell): %magics, !shell lines, automagic, get_ipython(), rich
display, IPython's traceback text, SystemExit shown as an error while the kernel lives on.

Chosen over ipykernel driven by jupyter_client by measurement: starting the shell in the
worker took 0.36 s and 0.1 ms per cell, a kernel through jupyter_client 2.4 s and 6.4 ms.

What ipykernel sends as messages goes where the server reads it: display data and the
trailing expression's value as JSON lines in $AGENTBAY_RESULT_FILE, tracebacks on stderr
(no ANSI colours), clear_output() as the cell's clear marker on both streams.
"""

import base64
import builtins
import getpass
import json
import os
import sys

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.error import StdinNotImplementedError
from IPython.core.interactiveshell import InteractiveShell
from traitlets import Type
from traitlets.config import Config


class Cell:
    """Where the running cell's results go (set per request by the kernel loop)."""

    result_file = None
    clear_marker = None


def _jsonable(value):
    # PNG/JPEG reprs may be bytes; a notebook stores them base64-encoded, as ipykernel sends.
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode('ascii')
    return value


def emit(data, is_main):
    if not Cell.result_file:
        return
    record = {mime: _jsonable(value) for mime, value in data.items()}
    record['isMainResult'] = bool(is_main)
    line = json.dumps({'kind': 'bundle', 'bundle': record}, default=str)
    # Opened per write so that a killed process still leaves every completed bundle behind.
    with open(Cell.result_file, 'a', encoding='utf-8') as fh:
        fh.write(line + '\n')


def clear():
    """Drops the cell's output so far: its bundles and what it printed (as Jupyter's front end
    does). wait=True is treated as an immediate clear: the end result of the usual
    clear-then-print loop is the same."""
    sys.stdout.flush()
    sys.stderr.flush()
    if Cell.clear_marker:
        os.write(1, Cell.clear_marker.encode('utf-8'))
        os.write(2, Cell.clear_marker.encode('utf-8'))
    if Cell.result_file:
        with open(Cell.result_file, 'a', encoding='utf-8') as fh:
            fh.write(json.dumps({'kind': 'clear'}) + '\n')


class KernelDisplayHook(DisplayHook):
    """The trailing expression's value becomes the main result, not an `Out[n]:` line."""

    def start_displayhook(self):
        pass

    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        emit(format_dict, is_main=True)

    def finish_displayhook(self):
        sys.stdout.flush()


class KernelDisplayPublisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
        sys.stdout.flush()
        emit(data, is_main=False)

    def clear_output(self, wait=False):
        clear()


class KernelShell(InteractiveShell):
    displayhook_class = Type(KernelDisplayHook)
    display_pub_class = Type(KernelDisplayPublisher)
    last_error = None

    def _showtraceback(self, etype, evalue, stb):
        # ipykernel sends the traceback as an error message; here it is the cell's stderr.
        sys.stdout.flush()
        sys.stderr.write(self.InteractiveTB.stb2text(stb) + '\n')
        sys.stderr.flush()
        self.last_error = (etype, evalue)

    def enable_gui(self, gui=None):
        # No event loop to integrate with, as in a kernel without a front end.
        pass

    def ask_exit(self):
        # exit()/quit() in a kernel cell do not stop the kernel here.
        pass


def _no_stdin(*args, **kwargs):
    raise StdinNotImplementedError(
        'raw_input was called, but this frontend does not support input requests.'
    )


def _no_getpass(*args, **kwargs):
    raise StdinNotImplementedError(
        'getpass was called, but this frontend does not support input requests.'
    )


def make_shell():
    # ipykernel shows figures inline through matplotlib-inline; without it, no display at all.
    if os.environ.get('MPLBACKEND', '').startswith('module://matplotlib_inline'):
        import importlib.util

        if importlib.util.find_spec('matplotlib_inline') is None:
            os.environ['MPLBACKEND'] = 'Agg'
    config = Config()
    # No history file: concurrent kernels must not share (and lock) one SQLite database.
    config.HistoryManager.hist_file = ':memory:'
    config.InteractiveShell.colors = 'NoColor'
    config.InteractiveShell.xmode = 'Context'
    shell = KernelShell.instance(config=config)
    shell.colors = 'NoColor'
    return shell


def run_one(shell, source):
    """Runs one cell; answers the executionError text ('' when the cell succeeded)."""
    # As ipykernel does before each request when the front end allows no stdin.
    builtins.input = _no_stdin
    getpass.getpass = _no_getpass
    shell.last_error = None
    result = shell.run_cell(source, store_history=True, silent=False)
    sys.stdout.flush()
    sys.stderr.flush()
    error = result.error_before_exec or result.error_in_exec
    if error is None:
        return ''
    # ipykernel's reply: ename and evalue (SystemExit(0) included: Jupyter shows it as an error).
    name = type(error).__name__
    message = str(error)
    return '%s: %s' % (name, message) if message else name
