// Runs the user's code in a prepared sandbox. Up to 60 s: run_code, with the variables set in
// the interpreter by a preamble the report never sees. Longer: a background process with the
// variables in its environment, polled and streamed (README, "Runs longer than 60 seconds").
import path from 'node:path';
import type { AgentBayClient } from '../agentbay/client.ts';
import type { CodeRunResult, Language } from '../agentbay/run-code-result.ts';
import { SandboxFiles } from '../agentbay/sandbox-files.ts';
import { shellQuote } from '../agentbay/shell.ts';
import type { CodeSource } from '../code-source.ts';
import { runBackgroundJob, type JobHooks } from './background-job.ts';
import { SANDBOX_WORKDIR } from './transfer.ts';

/** Up to this, code runs with run_code (the gateway answers no request after 60 s). */
export const RUN_CODE_MAX_TIMEOUT_S = 60;

export interface CodeRun {
  code: string;
  language: Language;
  source: CodeSource;
  timeoutS: number;
  /** env and secret-env together. */
  envs: Record<string, string>;
}

export interface CodeRunAnswer {
  result: CodeRunResult;
  requestId: string;
  mode: 'run_code' | 'background';
  /** Something the user should know (a variable that could not be set, …). */
  notices: string[];
}

export async function runUserCode(
  client: AgentBayClient,
  sessionId: string,
  run: CodeRun,
  hooks: JobHooks = {},
): Promise<CodeRunAnswer> {
  if (run.timeoutS <= RUN_CODE_MAX_TIMEOUT_S) return runShort(client, sessionId, run);
  return runLong(client, sessionId, run, hooks);
}

async function runShort(
  client: AgentBayClient,
  sessionId: string,
  run: CodeRun,
): Promise<CodeRunAnswer> {
  const notices: string[] = [];
  const setting = interpreterSetup(run);
  if (setting.kind === 'separate-call') {
    // Python keeps its state between calls of a session: the variables and sys.path are set
    // by a call of their own, so the user's code (and its line numbers) stays as it is.
    const prepared = await client.runCode(sessionId, {
      code: setting.code,
      language: run.language,
      timeoutS: 30,
    });
    if (!prepared.result.success) {
      throw new Error(
        `could not set the variables in the ${run.language} interpreter: ${prepared.result.error}`,
      );
    }
  }
  if (setting.kind === 'unsupported' && setting.notice) notices.push(setting.notice);
  const code = setting.kind === 'same-line' ? `${setting.prefix}${run.code}` : run.code;
  const answer = await client.runCode(sessionId, {
    code,
    language: run.language,
    timeoutS: run.timeoutS,
  });
  return { result: answer.result, requestId: answer.requestId, mode: 'run_code', notices };
}

type InterpreterSetup =
  | { kind: 'none' }
  | { kind: 'separate-call'; code: string }
  /** On the first line, with no line break, so every line keeps its number. */
  | { kind: 'same-line'; prefix: string }
  | { kind: 'unsupported'; notice?: string };

/** How the variables (and, for a file, its directory) reach the interpreter of run_code. */
export function interpreterSetup(run: CodeRun): InterpreterSetup {
  const hasEnv = Object.keys(run.envs).length > 0;
  const file = run.source.kind === 'file' ? run.source.path : undefined;
  const json = JSON.stringify(JSON.stringify(run.envs));
  switch (run.language) {
    case 'python': {
      if (!hasEnv && !file) return { kind: 'none' };
      const lines = ['import os as _ab_os, sys as _ab_sys, json as _ab_json'];
      if (hasEnv) lines.push(`_ab_os.environ.update(_ab_json.loads(${json}))`);
      if (file) {
        // As `python path/to/file.py` from the workspace root: its directory on sys.path.
        const dir = path.posix.dirname(file);
        lines.push(`_ab_sys.path.insert(0, _ab_os.path.abspath(${JSON.stringify(dir)}))`);
        lines.push(`_ab_sys.argv = [${JSON.stringify(file)}]`);
      }
      lines.push('del _ab_os, _ab_sys, _ab_json');
      return { kind: 'separate-call', code: lines.join('\n') };
    }
    case 'javascript': {
      let prefix = '';
      if (hasEnv) prefix += `Object.assign(process.env, JSON.parse(${json}));`;
      // CommonJS: require() of siblings resolves from the file, as `node path/to/file.js`.
      if (file && !looksLikeEsm(run.code)) {
        prefix += `require = require('module').createRequire(require('path').resolve(${JSON.stringify(file)}));`;
      }
      return prefix ? { kind: 'same-line', prefix } : { kind: 'none' };
    }
    case 'r': {
      if (!hasEnv) return { kind: 'none' };
      // A JSON string literal is an R string literal too.
      const pairs = Object.entries(run.envs).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
      return { kind: 'same-line', prefix: `Sys.setenv(${pairs.join(', ')});` };
    }
    case 'java':
      return hasEnv
        ? {
            kind: 'unsupported',
            notice:
              'env and secret-env are not set for Java code run with run_code (a JVM cannot change its own environment); they reach setup, and Java code with a timeout above 60 s',
          }
        : { kind: 'none' };
  }
}

const ESM = /^[ \t]*(?:import\b[ \t]*(?:[\w*{$]|['"])|export\b)/m;

function looksLikeEsm(code: string): boolean {
  return ESM.test(code);
}

const EXTENSIONS: Record<Language, string> = {
  python: 'py',
  javascript: 'js',
  r: 'R',
  java: 'java',
};

async function runLong(
  client: AgentBayClient,
  sessionId: string,
  run: CodeRun,
  hooks: JobHooks,
): Promise<CodeRunAnswer> {
  // The code runs from a file, as a person would run it: the workflow's own file at its own
  // path (written there unless `upload` already put it there), or the inline code in a file.
  let relative = run.source.kind === 'file' && run.source.path ? run.source.path : '';
  const files = new SandboxFiles(client, sessionId);
  if (!relative) {
    relative = `.agentbay/main.${run.language === 'javascript' && looksLikeEsm(run.code) ? 'mjs' : EXTENSIONS[run.language]}`;
  }
  await files.writeText(`${SANDBOX_WORKDIR}/${relative}`, run.code);
  const q = shellQuote;
  const commands: Record<Language, string> = {
    python: `exec python3 -u ${q(relative)}`,
    javascript: `exec node ${q(relative)}`,
    r: `exec Rscript ${q(relative)}`,
    java: `exec java ${q(relative)}`,
  };
  const job = await runBackgroundJob(
    client,
    sessionId,
    {
      script: commands[run.language],
      cwd: SANDBOX_WORKDIR,
      envs: run.envs,
      timeoutS: run.timeoutS,
    },
    hooks,
  );
  const failed = job.timedOut || job.exitCode !== 0;
  const error = job.timedOut
    ? `TimeoutError: the code was stopped after ${run.timeoutS} seconds`
    : failed
      ? lastErrorLine(job.stderr) || `Process exited with code ${job.exitCode}`
      : '';
  const result: CodeRunResult = {
    success: !failed,
    toolError: false,
    output: job.stdout,
    stdout: job.stdout,
    stderr: job.stderr,
    error,
    errorDetail: failed ? job.stderr : '',
    results: [],
    executionTimeS: job.durationMs / 1000,
    executionCount: undefined,
    traceId: '',
    format: 'legacy-text',
  };
  return { result, requestId: '', mode: 'background', notices: [] };
}

/** The last line that names an error (Python's `ValueError: …`, Node's `TypeError: …`). */
function lastErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^[\w.$]*(Error|Exception)\b/.test(lines[i]!)) return lines[i]!.slice(0, 1000);
  }
  return '';
}
