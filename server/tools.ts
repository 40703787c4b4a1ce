// The MCP tools a session offers, the ToolList that names them with their servers, and the
// per-call size limit of the gateway's MQTT route (addendum §1).
import type { ActionContext } from './actions.ts';
import { FILESYSTEM_SERVER, FILESYSTEM_TOOLS, callFilesystemTool } from './filesystem-tools.ts';
import { toolData, toolErrorData } from './result-format.ts';
import { callRunCode, RUN_CODE_TOOL } from './run-code-tool.ts';
import type { Session } from './sessions.ts';
import { callShell, SHELL_TOOL, type ToolAnswer } from './shell-tool.ts';
import { executionFailed, parseToolArgs, ToolFailure } from './tool-errors.ts';

/** "MQTT limit: 63KB = 64512 bytes" for the whole tool message (addendum §1). */
export const DEFAULT_MAX_TOOL_MESSAGE_BYTES = 64_512;
const MESSAGE_TOO_LARGE = -32000;

const SANDBOX_TOOLS = [
  SHELL_TOOL,
  ...Object.keys(FILESYSTEM_TOOLS).map((name) => ({
    name,
    server: FILESYSTEM_SERVER,
    description: `Filesystem tool ${name}`,
    inputSchema: { type: 'object' },
    tool: name,
  })),
];

/**
 * Code images: `code_latest` and its kin, and custom images (`imgc-…`, the ids the console gives
 * the images users build, from a code image here). Any other image id is accepted as a sandbox
 * without run_code (`linux_latest`, `browser_latest`, …).
 */
export function isCodeImage(imageId: string): boolean {
  return /^(?:code_|imgc-)/.test(imageId);
}

/** The `ToolList` of a session on this image: a JSON string, as the SDK's model has it. */
export function toolListFor(imageId: string): string {
  return JSON.stringify(isCodeImage(imageId) ? [RUN_CODE_TOOL, ...SANDBOX_TOOLS] : SANDBOX_TOOLS);
}

/** The JSON message the gateway would forward to the sandbox for this call, in bytes. */
export function toolMessageBytes(name: string, server: string, rawArgs: string): number {
  return Buffer.byteLength(
    `{"server":${JSON.stringify(server)},"tool":${JSON.stringify(name)},"args":${rawArgs}}`,
  );
}

export async function callTool(
  ctx: ActionContext,
  session: Session,
  form: Record<string, string>,
  /** The LinkUrl route has no MQTT leg, so no per-call size limit (addendum §3.4). */
  options: { sizeLimit: boolean } = { sizeLimit: true },
): Promise<unknown> {
  const format = ctx.resultFormat();
  // `Tool` exists in the request model as an apparent alias of `Name` (protocol §6.1).
  const name = form.Name || form.Tool || '';
  const rawArgs = form.Args ?? '';
  const size = toolMessageBytes(name, form.Server ?? '', rawArgs);
  if (options.sizeLimit && size > ctx.limits.maxToolMessageBytes) {
    return toolErrorData(
      executionFailed(
        MESSAGE_TOO_LARGE,
        `message size ${size} bytes exceeds the MQTT limit of ${ctx.limits.maxToolMessageBytes} bytes`,
      ),
      format,
    );
  }
  if (name === RUN_CODE_TOOL.name) {
    return callRunCode(ctx.store, ctx.kernels, session, rawArgs, format);
  }
  if (name !== SHELL_TOOL.name && !(name in FILESYSTEM_TOOLS)) {
    return toolErrorData(`tool not found: ${name}`, format);
  }
  let answer: ToolAnswer;
  try {
    const args = parseToolArgs(rawArgs);
    answer =
      name === SHELL_TOOL.name
        ? await callShell(ctx.store, session, args, format.shellAnswer === 'raw')
        : await callFilesystemTool(name, session, args);
  } catch (error) {
    if (error instanceof ToolFailure) return toolErrorData(error.message, format);
    const code = (error as NodeJS.ErrnoException).code;
    return toolErrorData(
      executionFailed(-32603, `${code ?? 'Error'}: ${(error as Error).message}`),
      format,
    );
  }
  return toolData(answer.text, answer.isError, format);
}
