"""Runs one code cell the way a Jupyter kernel would, for the local AgentBay-compatible server.

usage: python3 -u python_runner.py CELL_FILE   (results go to $AGENTBAY_RESULT_FILE)

The cell is compiled as "<cell>" so tracebacks read `File "<cell>", line N`. When the last
statement is an expression its value becomes the main result. Rich output and errors travel
through the result file (JSON lines), so the user's stdout/stderr stay exactly as produced.
"""

import ast
import builtins
import json
import linecache
import os
import sys
import traceback

CELL = '<cell>'


def main():
    # utf-8-sig: a leading byte-order mark is dropped, as Python does for a source file.
    with open(sys.argv[1], encoding='utf-8-sig') as fh:
        source = fh.read()
    # Lets tracebacks quote source lines of "<cell>".
    linecache.cache[CELL] = (len(source), None, source.splitlines(True), CELL)

    # Imported late: the shim lives on PYTHONPATH, set by the server.
    from IPython.display import display, emit_bundle, mime_bundle

    builtins.display = display
    namespace = {'__name__': '__main__', '__builtins__': builtins, 'display': display}
    sys.argv = ['']
    try:
        value = run_cell(source, namespace)
        if value is not None:
            emit_bundle(mime_bundle(value), is_main=True)
    except SystemExit as exc:
        code = exc.code
        if code is None or code == 0:
            return 0
        report_error('SystemExit: %s' % code)
        return code if isinstance(code, int) else 1
    except BaseException as exc:  # KeyboardInterrupt too: the cell failed either way
        sys.stdout.flush()
        sys.stderr.write(format_cell_traceback(exc))
        sys.stderr.flush()
        message = str(exc)
        report_error('%s: %s' % (type(exc).__name__, message) if message else type(exc).__name__)
        return 1
    return 0


def run_cell(source, namespace):
    tree = ast.parse(source, CELL, 'exec')
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, CELL, 'exec'), namespace)
    if last is None:
        return None
    return eval(compile(last, CELL, 'eval'), namespace)


SERVER_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def format_cell_traceback(exc):
    """A standard traceback without the server's own frames (runner, kernel, shims): the
    cell's, and those of files it ran or called (a module, an exec'd script), as IPython shows."""
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename == CELL or not os.path.abspath(f.filename).startswith(SERVER_DIR)
    ]
    lines = []
    if frames:
        lines.append('Traceback (most recent call last):\n')
        lines.extend(traceback.format_list(frames))
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return ''.join(lines)


def report_error(message):
    path = os.environ.get('AGENTBAY_RESULT_FILE')
    if not path:
        return
    with open(path, 'a', encoding='utf-8') as fh:
        fh.write(json.dumps({'kind': 'error', 'message': message}) + '\n')


if __name__ == '__main__':
    sys.exit(main())
