// The `ToolList` of a create answer: which MCP tools the session's image offers. The SDK parses
// it into the session's tools (a JSON string of `[{name, server, …}]`); its shape on the real
// service is documented only by that model, so every reading that is not a plain list of named
// tools counts as "no list" and the caller goes on without knowing.
import { isObject, parseIfText } from '../text/json.ts';

/** More names than any image offers: a list longer than this is read only this far. */
const MAX_TOOLS = 1_000;
const MAX_NAME_CHARS = 200;

/**
 * The names of the tools listed, or undefined when the answer lists none that can be read
 * (absent, empty, not JSON, not a list, no item with a name).
 */
export function toolNames(toolList: unknown): string[] | undefined {
  // Encoded once as the model says, or twice as other fields of the service sometimes are.
  const parsed = parseIfText(parseIfText(toolList));
  if (!Array.isArray(parsed)) return undefined;
  const names: string[] = [];
  for (const item of parsed.slice(0, MAX_TOOLS)) {
    const name = isObject(item) ? (item.name ?? item.tool) : undefined;
    if (typeof name === 'string' && name && name.length <= MAX_NAME_CHARS) names.push(name);
  }
  return names.length > 0 ? names : undefined;
}
