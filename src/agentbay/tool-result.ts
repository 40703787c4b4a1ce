// CallMcpTool's Data for tools other than run_code, read as the SDK's callMcpTool reads it
// (addendum §1): the text of content[], joined with "; ", and isError.

export interface ToolOutcome {
  text: string;
  isError: boolean;
}

/**
 * The tool's outcome; `{refused}` when the service answered that the tool did not run at all
 * (`Data.Success: false` with an `ErrMsg`); undefined when there is no tool result.
 */
export function parseToolData(raw: unknown): ToolOutcome | { refused: string } | undefined {
  let data = raw;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const record = data as Record<string, unknown>;
  if (record.Success === false) {
    const message =
      typeof record.ErrMsg === 'string' && record.ErrMsg ? record.ErrMsg : 'the tool did not run';
    return { refused: message };
  }
  if (!Array.isArray(record.content)) return undefined;
  const texts = record.content
    .map((item) =>
      typeof item === 'object' &&
      item !== null &&
      typeof (item as { text?: unknown }).text === 'string'
        ? (item as { text: string }).text
        : undefined,
    )
    .filter((text): text is string => text !== undefined);
  return { text: texts.join('; '), isError: record.isError === true };
}
