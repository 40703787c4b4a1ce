"""A persistent Python "kernel" for the local AgentBay-compatible server: one process per
session runs every Python run_code cell in one namespace, as code_latest's Jupyter-like
kernel does, so later cells see earlier definitions.

usage: python3 -u python_kernel.py [ipython|standin]   (requests on stdin, answers on fd 3)

With `ipython` the cells run in IPython's InteractiveShell (ipython_shell.py), as in Jupyter;
`standin` is the plain-exec stand-in (python_runner.py and the python/IPython shim) for an
interpreter without IPython.

Each request is a JSON line {cell, resultFile, marker, clearMarker}. The cell's stdout/stderr go to the
kernel's own stdout/stderr (so they stream to the server as produced); when the cell ends the
kernel writes the marker to both streams and then {"done": true} on fd 3, so the server knows
where this cell's output ends. {"started": true} on fd 3 starts the cell's timeout clock, so a
slow interpreter start-up does not eat into the cell's time.
"""

import builtins
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from python_runner import CELL, format_cell_traceback, run_cell  # noqa: E402


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else 'standin'
    control = os.fdopen(3, 'w', encoding='utf-8', buffering=1)
    # Requests come on the original stdin; the cells get an empty one, so input(), reading
    # sys.stdin and child processes fail or end at once instead of waiting (or eating requests).
    requests = os.fdopen(os.dup(0), 'r', encoding='utf-8')
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    sys.stdin = open(0, 'r', encoding='utf-8', closefd=False)
    sys.argv = ['']
    # The working directory is on sys.path, as in a notebook started there.
    sys.path.insert(0, '')
    if mode == 'ipython':
        run = ipython_runner()
    else:
        run = standin_runner()

    for line in requests:
        request = json.loads(line)
        control.write(json.dumps({'started': True}) + '\n')
        os.environ['AGENTBAY_RESULT_FILE'] = request['resultFile']
        # utf-8-sig: a leading byte-order mark is dropped, as Python does for a source file.
        with open(request['cell'], encoding='utf-8-sig') as fh:
            source = fh.read()
        error = run(source, request)
        if error:
            write_error(request['resultFile'], error)
        sys.stdout.flush()
        sys.stderr.flush()
        marker = request['marker']
        os.write(1, marker.encode('utf-8'))
        os.write(2, marker.encode('utf-8'))
        control.write(json.dumps({'done': True}) + '\n')


def ipython_runner():
    import ipython_shell

    shell = ipython_shell.make_shell()

    def run(source, request):
        ipython_shell.Cell.result_file = request['resultFile']
        ipython_shell.Cell.clear_marker = request.get('clearMarker')
        return ipython_shell.run_one(shell, source)

    return run


def standin_runner():
    import linecache

    from IPython.display import display, emit_bundle, mime_bundle

    builtins.display = display
    namespace = {'__name__': '__main__', '__builtins__': builtins, 'display': display}

    def run(source, request):
        linecache.cache[CELL] = (len(source), None, source.splitlines(True), CELL)
        return run_one(source, namespace, emit_bundle, mime_bundle)

    return run


def run_one(source, namespace, emit_bundle, mime_bundle):
    try:
        value = run_cell(source, namespace)
        if value is not None:
            emit_bundle(mime_bundle(value), is_main=True)
    except SystemExit as exc:
        code = exc.code
        if code is None or code == 0:
            return None
        return 'SystemExit: %s' % code
    except BaseException as exc:  # KeyboardInterrupt too: the cell failed either way
        sys.stdout.flush()
        sys.stderr.write(format_cell_traceback(exc))
        sys.stderr.flush()
        message = str(exc)
        return '%s: %s' % (type(exc).__name__, message) if message else type(exc).__name__
    return None


def write_error(path, message):
    with open(path, 'a', encoding='utf-8') as fh:
        fh.write(json.dumps({'kind': 'error', 'message': message}) + '\n')


if __name__ == '__main__':
    main()
