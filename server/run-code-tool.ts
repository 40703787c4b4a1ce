// The `run_code` MCP tool: validates its arguments, runs the code in the session and encodes the
// outcome. Problems with the call itself are tool errors (isError: true), as on the real service.
import { mkdir, mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import {
  isJavaProgram,
  type Language,
  parseLanguage,
  prepareProgram,
  unavailableReason,
} from './languages.ts';
import { runResultData, toolErrorData } from './result-format.ts';
import { startRun } from './run-code.ts';
import type { KernelLanguage, KernelPool } from './kernels.ts';
import type { Session, SessionStore } from './sessions.ts';
import type { ResultFormat } from './types.ts';

export const RUN_CODE_TOOL = {
  name: 'run_code',
  server: 'wuying_codespace',
  description:
    'Execute code in the sandbox. Supports python, javascript, r and java. ' +
    'Returns stdout, stderr, rich results and the execution error, if any.',
  inputSchema: {
    type: 'object',
    properties: {
      code: { type: 'string', description: 'The code to execute.' },
      language: {
        type: 'string',
        enum: ['python', 'javascript', 'r', 'java'],
        description: 'The programming language of the code.',
      },
      timeout_s: {
        type: 'integer',
        description: 'Execution timeout in seconds (default 60).',
        default: 60,
      },
    },
    required: ['code', 'language'],
  },
  tool: 'run_code',
};

const DEFAULT_TIMEOUT_S = 60;

export async function callRunCode(
  store: SessionStore,
  kernels: KernelPool,
  session: Session,
  rawArgs: string | undefined,
  format: ResultFormat,
): Promise<unknown> {
  if (!/^(?:code_|imgc-)/.test(session.imageId)) {
    return toolErrorData(
      `tool run_code is not available on image ${session.imageId}; use code_latest`,
      format,
    );
  }
  const args = parseArgs(rawArgs);
  if (typeof args === 'string') return toolErrorData(args, format);

  const language = parseLanguage(args.language);
  if (!language) return toolErrorData(`Unsupported language: ${String(args.language)}`, format);
  const unavailable = unavailableReason(language, await kernels.pythonCommand());
  if (unavailable) return toolErrorData(unavailable, format);

  // Python, R and Java snippets keep their state between calls, as on code_latest; a Java
  // program with its own main() runs as a program.
  const kernel = kernelFor(language, args.code);
  if (kernel) {
    const handle = kernels.for(session, kernel).run(args.code, args.timeoutS);
    store.track(session, handle, handle.done);
    return runResultData(await handle.done, format);
  }

  // Calls on one session may overlap; each run gets its own private dir.
  await mkdir(join(session.dir, 'runs'), { recursive: true });
  const runDir = await mkdtemp(join(session.dir, 'runs', 'run-'));
  const workDir = join(session.dir, 'work');
  const program = await prepareProgram(language as 'javascript' | 'java', args.code, {
    workDir,
    runDir,
  });
  const handle = startRun({
    language,
    program,
    cwd: workDir,
    timeoutS: args.timeoutS,
    sessionId: session.id,
    maxFileBytes: session.limits.maxFileBytes,
  });
  store.track(session, handle, handle.done);
  return runResultData(await handle.done, format);
}

function kernelFor(language: Language, code: string): KernelLanguage | undefined {
  if (language === 'javascript') return undefined;
  if (language === 'java' && isJavaProgram(code)) return undefined;
  return language;
}

/** The decoded Args, or the text of a tool error explaining what is wrong with them. */
function parseArgs(
  raw: string | undefined,
): { code: string; language: unknown; timeoutS: number } | string {
  let args: unknown;
  try {
    args = JSON.parse(raw ?? '');
  } catch {
    return 'Invalid arguments: Args must be a JSON object';
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    return 'Invalid arguments: Args must be a JSON object';
  }
  const { code, language, timeout_s: timeout } = args as Record<string, unknown>;
  if (typeof code !== 'string') return 'Invalid arguments: code must be a string';
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0))) {
    return 'Invalid arguments: timeout_s must be a positive number';
  }
  return { code, language, timeoutS: timeout ?? DEFAULT_TIMEOUT_S };
}
