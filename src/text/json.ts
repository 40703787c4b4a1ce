// Reading JSON from outside (the service's answers, notebook files): every field is checked
// for its type where it is read.

/** A JSON object (not an array, not null): the shape every answer and notebook field is checked for. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The parsed text, or undefined when it is not JSON. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A field the service sends either as a JSON string or as the value itself, as the value
 * (undefined when the string is not JSON).
 */
export function parseIfText(value: unknown): unknown {
  return typeof value === 'string' ? tryParseJson(value) : value;
}

/** A text or number field as text; '' for anything else. */
export function stringField(object: Record<string, unknown>, key: string): string {
  const value = object[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

/**
 * Ids from the service end up in logs, outputs and summaries: anything that is not a plain
 * id (a newline, a `::`, markup) is dropped rather than passed on.
 */
export function identifier(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : value;
  return typeof text === 'string' && /^[A-Za-z0-9][\w.:-]{0,127}$/.test(text) ? text : '';
}
