// Runs the user's code in a prepared sandbox. Up to 60 s: run_code, with the variables set in
// the interpreter by a preamble the report never sees; code too large for one call, or an ES
// module with sibling imports, runs from a file through a short run_code call (code-file.ts).
// Longer: a background process with the variables in its environment, polled and streamed
// (README, "Runs longer than 60 seconds").
import path from 'node:path';
import type { AgentBayClient } from '../agentbay/client.ts';
import type { Language } from '../runs/language.ts';
import type { CodeRunResult } from '../runs/result.ts';
import { MAX_ARGS_BYTES, SandboxFiles } from '../agentbay/sandbox-files.ts';
import { shellQuote } from '../agentbay/shell.ts';
import { clip } from '../text/clip.ts';
import type { CodeSource } from '../runs/code-source.ts';
import { looksLikeEsm } from '../runs/esm.ts';
import { runBackgroundJob, type JobHooks } from './background-job.ts';
import {
  codeFileFor,
  isWholeFile,
  runCodeArgsBytes,
  runFromFileCode,
  type CodeFile,
} from './code-file.ts';
import { SANDBOX_WORKDIR } from './workdir.ts';

/** Up to this, code runs with run_code (the gateway answers no request after 60 s). */
export const RUN_CODE_MAX_TIMEOUT_S = 60;
/**
 * The most one run_code call asks for (`timeout_s`), so that the code's own timeout, not the
 * gateway's 60 s cut, ends it: the sandbox answers a little after timeout_s (0.05 to 1.3 s on
 * the local server; unknown on the service), and an answer after 60 s is lost as a gateway
 * error. README, "The 60-second edge".
 */
export const RUN_CODE_CALL_MAX_S = 55;

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
  /** The sandbox file the code ran from, when it did: error output names it. */
  codeFile?: string;
}

export async function runUserCode(
  client: AgentBayClient,
  sessionId: string,
  run: CodeRun,
  hooks: JobHooks = {},
): Promise<CodeRunAnswer> {
  if (run.timeoutS > RUN_CODE_MAX_TIMEOUT_S) return runLong(client, sessionId, run, hooks);
  const setting = interpreterSetup(run);
  const code = setting.kind === 'same-line' ? withPrefix(run.code, setting.prefix) : run.code;
  const tooLarge = runCodeArgsBytes(code, run.language, run.timeoutS) > MAX_ARGS_BYTES;
  if (tooLarge && run.language === 'java') {
    // Java's run_code wraps what it gets in a class; a file it cannot be told to run.
    const answer = await runLong(client, sessionId, run, hooks);
    answer.notices.push(
      `The Java code is larger than one run_code call may carry (about ${MAX_ARGS_BYTES} bytes), so it ran as a program (java File.java), as with a timeout above 60 s.`,
    );
    return answer;
  }
  const esmFile =
    run.language === 'javascript' && isWholeFile(run.source) && looksLikeEsm(run.code);
  return runShort(client, sessionId, run, setting, tooLarge || esmFile ? undefined : code);
}

async function runShort(
  client: AgentBayClient,
  sessionId: string,
  run: CodeRun,
  setting: InterpreterSetup,
  /** The code for run_code as it is; undefined: the code runs from a file. */
  inline: string | undefined,
): Promise<CodeRunAnswer> {
  const notices: string[] = [];
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
  let code = inline;
  let file: CodeFile | undefined;
  if (code === undefined) {
    file = codeFileFor(run.source, run.language, run.code);
    await new SandboxFiles(client, sessionId).writeText(file.path, run.code);
    code = runFromFileCode(run.language, file, envPrefix(run))!;
  }
  const timeoutS = Math.min(run.timeoutS, RUN_CODE_CALL_MAX_S);
  const answer = await client.runCode(sessionId, { code, language: run.language, timeoutS });
  if (timeoutS < run.timeoutS && /TimeoutError/.test(answer.result.error)) {
    notices.push(
      `The code was stopped after ${timeoutS} s, not ${run.timeoutS}: one run_code call gets at most ${RUN_CODE_CALL_MAX_S} s, so that its answer comes before the gateway's 60 s limit. With a timeout above 60 the code runs as a background process with the whole time.`,
    );
  }
  return {
    result: answer.result,
    requestId: answer.requestId,
    mode: 'run_code',
    notices,
    codeFile: file?.path,
  };
}

/** The statement that sets the variables in a JavaScript or R interpreter, else ''. */
function envPrefix(run: CodeRun): string {
  if (Object.keys(run.envs).length === 0) return '';
  const json = JSON.stringify(JSON.stringify(run.envs));
  if (run.language === 'javascript') return `Object.assign(process.env, JSON.parse(${json}));`;
  if (run.language === 'r') {
    const pairs = Object.entries(run.envs).map(([k, v]) => `${k} = ${JSON.stringify(v)}`);
    return `Sys.setenv(${pairs.join(', ')});`;
  }
  return '';
}

/**
 * The code with `prefix` run before it, every line keeping its number and the user's first
 * line staying first where it must: a `#!` line (a syntax error anywhere else) and a
 * `"use strict"` directive (silently off anywhere but first) keep their place.
 */
export function withPrefix(code: string, prefix: string): string {
  if (code.startsWith('#!')) {
    const end = code.indexOf('\n');
    if (end === -1) return `${code}\n${prefix}`;
    return `${code.slice(0, end + 1)}${withPrefix(code.slice(end + 1), prefix)}`;
  }
  const directive = /^[ \t]*(['"])use strict\1[ \t]*;?/.exec(code);
  if (directive) {
    const head = directive[0].trimEnd();
    return `${head}${head.endsWith(';') ? '' : ';'}${prefix}${code.slice(directive[0].length)}`;
  }
  return `${prefix}${code}`;
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
        // Scripts find their data beside them with `Path(__file__).parent`.
        lines.push(`__file__ = _ab_os.path.abspath(${JSON.stringify(file)})`);
      }
      lines.push('del _ab_os, _ab_sys, _ab_json');
      return { kind: 'separate-call', code: lines.join('\n') };
    }
    case 'javascript': {
      let prefix = envPrefix(run);
      // CommonJS: require() of siblings resolves from the file, as `node path/to/file.js`.
      if (file && !looksLikeEsm(run.code)) {
        prefix += `require = require('module').createRequire(require('path').resolve(${JSON.stringify(file)}));`;
      }
      return prefix ? { kind: 'same-line', prefix } : { kind: 'none' };
    }
    case 'r':
      // A JSON string literal is an R string literal too.
      return hasEnv ? { kind: 'same-line', prefix: envPrefix(run) } : { kind: 'none' };
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

async function runLong(
  client: AgentBayClient,
  sessionId: string,
  run: CodeRun,
  hooks: JobHooks,
): Promise<CodeRunAnswer> {
  // The code runs from a file, as a person would run it: the workflow's own file at its own
  // path (written there unless `upload` already put it there), or the inline code in a file.
  const file = codeFileFor(run.source, run.language, run.code);
  await new SandboxFiles(client, sessionId).writeText(file.path, run.code);
  // `./` keeps a name starting with `-` from reading as an option.
  const q = (relative: string) => shellQuote(relative.startsWith('-') ? `./${relative}` : relative);
  // Relative to the job's cwd, the working directory: the script travels encoded, so the
  // local server could not map an absolute /workspace path inside it.
  const program: Record<Language, string> = {
    python: `python3 -u ${q(file.relative)}`,
    javascript: `node ${q(file.relative)}`,
    r: `Rscript ${q(file.relative)}`,
    java: `java ${q(file.relative)}`,
  };
  const commands = file.temporary
    ? `${program[run.language]}; rc=$?; rm -f ${q(file.relative)}; exit $rc`
    : `exec ${program[run.language]}`;
  const job = await runBackgroundJob(
    client,
    sessionId,
    {
      script: commands,
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
  return { result, requestId: '', mode: 'background', notices: [], codeFile: file.path };
}

/** The last line that names an error (Python's `ValueError: …`, Node's `TypeError: …`). */
function lastErrorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^[\w.$]*(Error|Exception)\b/.test(lines[i]!)) return clip(lines[i]!, 1000);
  }
  return '';
}
