// Plays the GitHub runner's part for this action: runs the bundled dist/ entry points as
// real processes with the environment the runner gives an action: INPUT_* (hyphens kept),
// GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY, RUNNER_TEMP, GITHUB_WORKSPACE, and
// STATE_* for the post step. Used by the tests and by `npm run demo`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const TEST_KEY = 'akm-TEST-0123456789abcdef-SECRET';
/** The commit the runner says it builds (GITHUB_SHA). */
export const DEMO_SHA = '0123456789abcdef0123456789abcdef01234567';

export interface StepResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** Raw bytes of every file the step could write, for secret scans. */
  files: Record<string, string>;
}

export interface Workdir {
  dir: string;
  workspace: string;
  runnerTemp: string;
}

export function makeWorkdir(): Workdir {
  const dir = mkdtempSync(path.join(tmpdir(), 'abrc-step-'));
  const workspace = path.join(dir, 'workspace');
  const runnerTemp = path.join(dir, 'runner-temp');
  mkdirSync(workspace);
  mkdirSync(runnerTemp);
  return { dir, workspace, runnerTemp };
}

/** Parses the `name<<delimiter` heredocs that @actions/core appends to GITHUB_OUTPUT/STATE. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!match) continue;
    const [, name, delimiter] = match;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
    values[name as string] = value.join('\n');
  }
  return values;
}

export interface StepOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  state?: Record<string, string>;
  workdir?: Workdir;
  /** Where the bundled steps are: the tests' fresh build (ABRC_DIST_DIR), else dist/. */
  distDir?: string;
  onSpawn?: (child: ChildProcess) => void;
}

/** The environment of the test process, without anything that would leak into a step. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_|AGENTBAY_|VITEST|NODE_OPTIONS)/.test(key))
      continue;
    // The steps talk to loopback servers; a proxy of the machine's is for tests to set.
    if (/^(https?|no)_proxy$/i.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/**
 * The bundles to run: under vitest, the build its global setup made of the current source
 * (test/bundle-once.ts); elsewhere (demo, benchmark) the committed dist/.
 */
export function bundleDir(): string {
  if (process.env.ABRC_DIST_DIR) return process.env.ABRC_DIST_DIR;
  if (process.env.VITEST) {
    throw new Error('ABRC_DIST_DIR is not set: run the tests through vitest.config.ts');
  }
  return path.join(ROOT, 'dist');
}

export async function runStep(
  step: 'main' | 'post',
  options: StepOptions = {},
): Promise<StepResult> {
  const work = options.workdir ?? makeWorkdir();
  const files = {
    GITHUB_OUTPUT: path.join(work.dir, `${step}-output.txt`),
    GITHUB_STATE: path.join(work.dir, `${step}-state.txt`),
    GITHUB_STEP_SUMMARY: path.join(work.dir, `${step}-summary.md`),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');

  const env: Record<string, string> = {
    ...baseEnv(),
    ...files,
    RUNNER_TEMP: work.runnerTemp,
    GITHUB_WORKSPACE: work.workspace,
    GITHUB_REPOSITORY: 'octo/agentbay-demo',
    GITHUB_SHA: DEMO_SHA,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'check',
    GITHUB_ACTIONS: 'true',
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs ?? {})) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;

  const entry = path.join(options.distDir ?? bundleDir(), step, 'index.js');
  const child = spawn(process.execPath, [entry], {
    env,
    cwd: work.workspace,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  options.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (c, s) => resolve([c, s])),
  );
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const outputText = read(files.GITHUB_OUTPUT);
  const stateText = read(files.GITHUB_STATE);
  const summary = read(files.GITHUB_STEP_SUMMARY);
  return {
    code,
    signal,
    stdout,
    stderr,
    outputs: parseFileCommands(outputText),
    state: parseFileCommands(stateText),
    summary,
    files: { output: outputText, state: stateText, summary },
  };
}

/** The main step, then the post step with the state the main step saved, like the runner. */
export async function runAction(
  options: StepOptions = {},
): Promise<{ main: StepResult; post: StepResult; workdir: Workdir }> {
  const workdir = options.workdir ?? makeWorkdir();
  const main = await runStep('main', { ...options, workdir });
  const post = await runStep('post', { ...options, workdir, state: main.state });
  return { main, post, workdir };
}

/** Workflow-command lines the runner would act on (outside any stop-commands fence). */
export function activeCommands(stdout: string): string[] {
  const commands: string[] = [];
  let resumeToken: string | undefined;
  for (const line of stdout.split('\n')) {
    if (resumeToken) {
      if (line === `::${resumeToken}::`) resumeToken = undefined;
      continue;
    }
    const stop = /^::stop-commands::(.+)$/.exec(line);
    if (stop) {
      resumeToken = stop[1];
      continue;
    }
    if (line.startsWith('::')) commands.push(line);
  }
  return commands;
}

/** Sessions still running: neither deleted nor with a deletion under way. */
export function runningSessions(server: {
  sessions(): Array<{ id: string; status: string; labels: Record<string, string> }>;
}) {
  return server.sessions().filter((s) => s.status === 'RUNNING');
}
