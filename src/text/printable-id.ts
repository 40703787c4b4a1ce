/** What an id of the usual shape looks like: printed as it is. */
const PLAIN_ID = /^[A-Za-z0-9][\w.:-]{0,127}$/;
const MAX_PRINTED_CHARS = 160;

/**
 * An id from the service or from the step state, fit to print in a log line, an annotation
 * or a message: a plain id as it is; anything else quoted with every control, line-breaking
 * and non-ASCII character escaped (a newline could otherwise start a workflow command), and
 * cut short. The id itself is used unchanged; only its printed form is escaped.
 */
export function printableId(id: string): string {
  if (PLAIN_ID.test(id)) return id;
  const shown = id.length > MAX_PRINTED_CHARS ? `${id.slice(0, MAX_PRINTED_CHARS)}…` : id;
  const escaped = JSON.stringify(shown).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped;
}
