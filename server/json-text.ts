// JSON.stringify for values of any depth. The sandbox decides how deep a result nests; V8's
// JSON.stringify overflows its stack past a few thousand levels, where Python's json (with a
// raised recursion limit) does not, so the server must not be the one that breaks.

type Frame = { entries: Array<[string | null, unknown]>; next: number; close: string };

export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return stringifyIteratively(value);
  }
}

function stringifyIteratively(root: unknown): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  const open = (value: unknown): void => {
    const json = value as { toJSON?: () => unknown } | null;
    if (json && typeof json === 'object' && typeof json.toJSON === 'function')
      value = json.toJSON();
    if (Array.isArray(value)) {
      out.push('[');
      stack.push({ entries: value.map((item) => [null, item ?? null]), next: 0, close: ']' });
    } else if (value !== null && typeof value === 'object') {
      out.push('{');
      const entries = Object.entries(value).filter(
        ([, item]) => item !== undefined && typeof item !== 'function',
      );
      stack.push({ entries, next: 0, close: '}' });
    } else {
      out.push(JSON.stringify(value) ?? 'null');
    }
  };
  open(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next >= frame.entries.length) {
      out.push(frame.close);
      stack.pop();
      continue;
    }
    const [key, item] = frame.entries[frame.next]!;
    if (frame.next > 0) out.push(',');
    frame.next++;
    if (key !== null) out.push(`${JSON.stringify(key)}:`);
    open(item);
  }
  return out.join('');
}
