"""Display shim: turns objects into Jupyter MIME bundles and hands them to the server.

Bundles are appended as JSON lines to the file named by AGENTBAY_RESULT_FILE (the side channel
the server reads after the run), never written to stdout, so user output stays untouched.
"""

import base64
import json
import os

__all__ = [
    'display',
    'DisplayObject',
    'Markdown',
    'HTML',
    'SVG',
    'Image',
    'JSON',
    'Latex',
    'Javascript',
]

# _repr_*_ method → MIME type, in the order Jupyter's formatter tries them.
_REPR_METHODS = [
    ('_repr_html_', 'text/html'),
    ('_repr_markdown_', 'text/markdown'),
    ('_repr_svg_', 'image/svg+xml'),
    ('_repr_png_', 'image/png'),
    ('_repr_jpeg_', 'image/jpeg'),
    ('_repr_latex_', 'text/latex'),
    ('_repr_json_', 'application/json'),
    ('_repr_javascript_', 'application/javascript'),
    ('_repr_pdf_', 'application/pdf'),
]
_BINARY_TYPES = {'image/png', 'image/jpeg', 'application/pdf'}


def _jsonable(mime, value):
    # Binary formats travel base64-encoded, as in a notebook file.
    if mime in _BINARY_TYPES and isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode('ascii')
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode('utf-8', 'replace')
    return value


def _call_repr(obj, method):
    fn = getattr(obj, method, None)
    if fn is None or not callable(fn) or isinstance(obj, type):
        return None
    try:
        value = fn()
    except Exception:
        return None
    # Some _repr_*_ return (data, metadata).
    if isinstance(value, tuple) and len(value) == 2:
        value = value[0]
    return value


def mime_bundle(obj):
    """The MIME bundle Jupyter would show for obj; text/plain is always present."""
    bundle = {}
    mimebundle = _call_repr(obj, '_repr_mimebundle_')
    if isinstance(mimebundle, dict):
        for mime, value in mimebundle.items():
            bundle[mime] = _jsonable(mime, value)
    for method, mime in _REPR_METHODS:
        if mime in bundle:
            continue
        value = _call_repr(obj, method)
        if value is not None:
            bundle[mime] = _jsonable(mime, value)
    if 'text/plain' not in bundle:
        try:
            bundle['text/plain'] = repr(obj)
        except Exception as exc:  # a broken __repr__ must not lose the rest of the bundle
            bundle['text/plain'] = '<unrepresentable object: %s>' % exc
    return bundle


def emit_bundle(bundle, is_main=False):
    record = dict(bundle)
    record['isMainResult'] = bool(is_main)
    path = os.environ.get('AGENTBAY_RESULT_FILE')
    if not path:
        # Outside the server (e.g. a plain `python` run) fall back to printing.
        print(record.get('text/plain', ''))
        return
    line = json.dumps({'kind': 'bundle', 'bundle': record}, default=str)
    # Open per write so that a killed process still leaves every completed bundle behind.
    with open(path, 'a', encoding='utf-8') as fh:
        fh.write(line + '\n')


def display(*objs, raw=False, include=None, exclude=None, **kwargs):
    """Like IPython.display.display: each object becomes a (non-main) MIME bundle.

    raw=True treats each object as an already-built bundle, e.g.
    display({'application/vnd.vegalite.v5+json': spec}, raw=True).
    """
    for obj in objs:
        if raw and isinstance(obj, dict):
            bundle = {mime: _jsonable(mime, value) for mime, value in obj.items()}
            bundle.setdefault('text/plain', repr(obj))
        else:
            bundle = mime_bundle(obj)
        if include:
            bundle = {k: v for k, v in bundle.items() if k in include or k == 'text/plain'}
        if exclude:
            bundle = {k: v for k, v in bundle.items() if k not in exclude}
        emit_bundle(bundle)


class DisplayObject:
    """Base of the rich display classes: holds text data, a URL, or a file's contents."""

    _read_flags = 'r'

    def __init__(self, data=None, url=None, filename=None, metadata=None):
        if isinstance(data, str) and filename is None and url is None and _looks_like_path(data):
            filename, data = data, None
        self.url = url
        self.filename = filename
        self.metadata = metadata or {}
        if data is None and filename is not None:
            with open(filename, self._read_flags) as fh:
                data = fh.read()
        self.data = data

    def __repr__(self):
        return '<IPython.core.display.%s object>' % type(self).__name__


def _looks_like_path(value):
    return len(value) < 4096 and '\n' not in value and os.path.isfile(value)


class Markdown(DisplayObject):
    def _repr_markdown_(self):
        return self.data


class HTML(DisplayObject):
    def _repr_html_(self):
        return self.data


class Latex(DisplayObject):
    def _repr_latex_(self):
        return self.data


class Javascript(DisplayObject):
    def _repr_javascript_(self):
        return self.data


class SVG(DisplayObject):
    def _repr_svg_(self):
        data = self.data
        if isinstance(data, (bytes, bytearray)):
            data = bytes(data).decode('utf-8')
        return data


class JSON(DisplayObject):
    def __init__(self, data=None, url=None, filename=None, expanded=False, metadata=None, **kw):
        if isinstance(data, str) and filename is None and url is None and _looks_like_path(data):
            filename, data = data, None
        if data is None and filename is not None:
            with open(filename, 'r') as fh:
                data = json.load(fh)
        elif isinstance(data, str):
            data = json.loads(data)
        super().__init__(data=data, url=url, metadata=metadata)

    def _repr_json_(self):
        return self.data


_PNG_MAGIC = b'\x89PNG\r\n\x1a\n'
_JPEG_MAGIC = b'\xff\xd8'


class Image(DisplayObject):
    """PNG or JPEG from bytes or a file; the format comes from `format`, the name or the bytes."""

    _read_flags = 'rb'

    def __init__(self, data=None, url=None, filename=None, format=None, embed=None,
                 width=None, height=None, metadata=None, **kw):
        super().__init__(data=data, url=url, filename=filename, metadata=metadata)
        self.width = width
        self.height = height
        self.format = _image_format(format, self.filename or self.url, self.data)

    def _repr_png_(self):
        return self.data if self.format == 'png' and self.data is not None else None

    def _repr_jpeg_(self):
        return self.data if self.format == 'jpeg' and self.data is not None else None

    def _repr_html_(self):
        # Only a URL image without data is shown as an <img> tag, like IPython.
        if self.data is None and self.url:
            return '<img src="%s"/>' % self.url
        return None


def _image_format(fmt, name, data):
    if fmt:
        fmt = fmt.lower()
        return 'jpeg' if fmt == 'jpg' else fmt
    if isinstance(data, (bytes, bytearray)):
        if bytes(data[:8]) == _PNG_MAGIC:
            return 'png'
        if bytes(data[:2]) == _JPEG_MAGIC:
            return 'jpeg'
    if name:
        lower = name.lower()
        if lower.endswith('.png'):
            return 'png'
        if lower.endswith(('.jpg', '.jpeg')):
            return 'jpeg'
    return 'png'
