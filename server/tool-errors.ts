// The texts the real tools answer with when they fail (protocol addendum §1): plain text in an
// isError result, with a JSON-RPC-style code.

/** JSON-RPC "invalid params": a missing file, a bad argument. */
export const INVALID_PARAMS = -32602;
/** The shell's timeout code. */
export const EXECUTION_FAILED = -1;

export function executionFailed(code: number, message: string): string {
  return `Error in response: Execution failed. Error code:${code} Error message: ${message}`;
}

/** Thrown by tool handlers; becomes an isError result with the real service's wording. */
export class ToolFailure extends Error {
  constructor(message: string, code: number = INVALID_PARAMS) {
    super(executionFailed(code, message));
  }
}

/** Args as a JSON object, or a ToolFailure. */
export function parseToolArgs(raw: string | undefined): Record<string, unknown> {
  let args: unknown;
  try {
    args = JSON.parse(raw ?? '');
  } catch {
    throw new ToolFailure('Invalid arguments: Args must be a JSON object');
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    throw new ToolFailure('Invalid arguments: Args must be a JSON object');
  }
  return args as Record<string, unknown>;
}

export function requireString(args: Record<string, unknown>, key: string): string {
  const value = args[key];
  if (typeof value !== 'string')
    throw new ToolFailure(`Invalid arguments: ${key} must be a string`);
  return value;
}

export function optionalInteger(
  args: Record<string, unknown>,
  key: string,
  min: number,
): number | undefined {
  const value = args[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ToolFailure(`Invalid arguments: ${key} must be an integer >= ${min}`);
  }
  return value;
}
