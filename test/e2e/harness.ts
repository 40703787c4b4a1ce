// What every end-to-end file needs and nothing it asserts: the local AgentBay-compatible
// server and the fake GitHub for the file's tests, a workspace with files, the bundled steps
// run (or interrupted) as the runner runs them, and the one secret scan. A test file reads
// as the behaviour it specifies; this file is how the stage is set.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import {
  startServer,
  type AgentBayServer,
  type RecordedRequest,
  type ServerOptions,
} from '../../server/server.ts';
import {
  makeWorkdir,
  runStep,
  TEST_KEY,
  type StepOptions,
  type StepResult,
  type Workdir,
} from '../../scripts/step-runner.ts';
import { secretForms } from '../../src/text/secrets.ts';
import { CLEAR_STATE_MARK } from '../../src/sandbox/fresh-state.ts';
import { fakeRuntimeToken, startFakeGitHub, type FakeGitHub } from '../fake-github.ts';
import { keyFormIn } from '../key-forms.ts';

export {
  activeCommands,
  DEMO_SHA,
  makeWorkdir,
  runAction,
  runningSessions,
  runStep,
  TEST_KEY,
  type StepResult,
  type Workdir,
} from '../../scripts/step-runner.ts';

/**
 * A handle that forwards to a service started by a `beforeAll` hook: it can be declared at the
 * top of a file or a describe, and used in its tests and hooks once the service is up.
 */
function handleTo<T extends object, Own extends object>(
  what: string,
  current: () => T | undefined,
  own: Own,
): T & Own {
  return new Proxy(own as T & Own, {
    get(target, name) {
      if (name in target) return Reflect.get(target, name);
      const live = current();
      if (!live)
        throw new Error(`${what} is started by a beforeAll hook: use it in tests and hooks`);
      const value = Reflect.get(live, name);
      return typeof value === 'function' ? value.bind(live) : value;
    },
  });
}

export interface LocalServer extends AgentBayServer {
  /** A step's inputs that reach this server with its key: `api-key` and `endpoint`, then `extra`. */
  inputs(extra?: Record<string, string>): Record<string, string>;
}

/**
 * The local AgentBay-compatible server for the enclosing file or describe: started before its
 * tests, closed after them. Every test starts without faults, with the default result format
 * and without a session limit; sessions and recorded requests accumulate across tests.
 */
export function useServer(options: Omit<ServerOptions, 'maxSessions'> = {}): LocalServer {
  const apiKey = options.apiKey ?? TEST_KEY;
  let server: AgentBayServer | undefined;
  beforeAll(async () => {
    server = await startServer({ ...options, apiKey });
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    server?.reset();
    server?.setSessionLimit(undefined);
  });
  const inputs = (extra: Record<string, string> = {}) => ({
    'api-key': apiKey,
    endpoint: server?.url ?? '',
    ...extra,
  });
  return handleTo('The local server', () => server, { inputs });
}

export interface LocalGitHub extends FakeGitHub {
  /** What the runner gives a step to upload artifacts to this stand-in. */
  artifactEnv(): Record<string, string>;
  /** What the runner gives a step of a workflow run for pull request #7 (the event file in `workdir`). */
  pullRequestEnv(workdir: Workdir, action?: string): Record<string, string>;
  /** What the runner gives a step of a workflow run for `event` with `payload` (in `workdir`). */
  eventEnv(workdir: Workdir, event: string, payload: object): Record<string, string>;
}

/** The loopback stand-in for GitHub's artifact service and REST API, for the enclosing file. */
export function useFakeGitHub(): LocalGitHub {
  let github: FakeGitHub | undefined;
  beforeAll(async () => {
    github = await startFakeGitHub();
  });
  afterAll(() => github?.close());
  const url = () => github?.url ?? '';
  const artifactEnv = () => ({
    ACTIONS_RUNTIME_TOKEN: fakeRuntimeToken(),
    ACTIONS_RESULTS_URL: `${url()}/`,
  });
  const pullRequestEnv = (workdir: Workdir, action = 'sandbox') => {
    const eventPath = path.join(workdir.dir, 'event.json');
    writeFileSync(
      eventPath,
      JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7 } }),
    );
    return {
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_API_URL: url(),
      GITHUB_ACTION: action,
    };
  };
  const eventEnv = (workdir: Workdir, event: string, payload: object) => {
    const eventPath = path.join(workdir.dir, 'event.json');
    writeFileSync(eventPath, JSON.stringify(payload));
    return { GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: eventPath, GITHUB_API_URL: url() };
  };
  return handleTo('The fake GitHub', () => github, { artifactEnv, pullRequestEnv, eventEnv });
}

/** A fresh runner directory whose workspace holds `files` (paths relative to the workspace). */
export function workspaceWith(files: Record<string, string | Buffer>): Workdir {
  const workdir = makeWorkdir();
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(workdir.workspace, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return workdir;
}

/** Resolves once `condition` holds; fails the test when it has not after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface RunningStep {
  /** The step's result, once it has exited. */
  done: Promise<StepResult>;
  /** What it has printed so far. */
  log(): string;
  /** Sends it a signal, as the runner does to cancel a job. */
  kill(signal: NodeJS.Signals): void;
}

/** Starts the main step without waiting for it. */
export function startMain(options: StepOptions): RunningStep {
  let child: ChildProcess | undefined;
  let log = '';
  const done = runStep('main', {
    ...options,
    onSpawn: (spawned) => {
      child = spawned;
      spawned.stdout!.on('data', (data) => (log += String(data)));
      options.onSpawn?.(spawned);
    },
  });
  return { done, log: () => log, kill: (signal) => child!.kill(signal) };
}

/**
 * Runs the main step until `ready` holds (given its log so far), sends it `signals`, and
 * resolves with its result and how long it took to exit after the signals.
 */
export async function interruptMain(
  options: StepOptions & {
    ready: (log: string) => boolean;
    signals?: NodeJS.Signals[];
    waitMs?: number;
  },
): Promise<{ main: StepResult; exitMs: number }> {
  const step = startMain(options);
  await waitFor(() => options.ready(step.log()), options.waitMs ?? 60_000);
  const signalledAt = Date.now();
  for (const signal of options.signals ?? ['SIGINT']) step.kill(signal);
  const main = await step.done;
  return { main, exitMs: Date.now() - signalledAt };
}

/** The `::error` lines of a step's log: its annotations and failure message. */
export function errorAnnotations(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.startsWith('::error'));
}

/** The code of each run_code call, without the calls that only prepare the interpreter. */
export function userCode(requests: RecordedRequest[]): string[] {
  return requests
    .filter((r) => r.action === 'CallMcpTool' && r.form.Name === 'run_code')
    .map((r) => (JSON.parse(r.form.Args!) as { code: string }).code)
    .filter(
      (code) => !code.startsWith('import os as _ab_os') && !code.startsWith(CLEAR_STATE_MARK),
    );
}

/** Names and contents of a zip, read by Python's zipfile (an implementation not ours). */
export function unzip(content: Buffer): Record<string, Buffer> {
  const script =
    'import sys, zipfile, io, json, base64\n' +
    'z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))\n' +
    'print(json.dumps({n: base64.b64encode(z.read(n)).decode() for n in z.namelist()}))';
  const entries = JSON.parse(
    execFileSync('python3', ['-c', script], { input: content }).toString(),
  ) as Record<string, string>;
  return Object.fromEntries(Object.entries(entries).map(([n, b]) => [n, Buffer.from(b, 'base64')]));
}

export interface WrittenPlaces {
  /** Steps whose log (stdout, stderr) and output, state and summary files are read. */
  steps?: StepResult[];
  /**
   * A runner directory: every file in it outside the workspace (RUNNER_TEMP with the result
   * files, downloads and rich files; the output, state and summary files), as UTF-8 and bytes.
   */
  workdir?: Workdir;
  /** Anything else the test holds: comment bodies, artifact contents, recorded requests. */
  texts?: Record<string, string>;
}

/** How @actions/core writes a value into a workflow command. */
function commandData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A step's log without its own mask commands: the runner reads them and never shows them. */
function logWithoutMasks(log: string, secrets: readonly string[]): string {
  const masks = new Set(
    secrets
      .flatMap((secret) => [secret, ...secretForms(secret)])
      .map((form) => `::add-mask::${commandData(form)}`),
  );
  return log
    .split('\n')
    .filter((line) => !masks.has(line))
    .join('\n');
}

function filesOutsideWorkspace(workdir: Workdir): Array<[string, string]> {
  const texts: Array<[string, string]> = [];
  for (const entry of readdirSync(workdir.dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isFile() || !path.relative(workdir.workspace, file).startsWith('..')) continue;
    const bytes = readFileSync(file);
    const name = path.relative(workdir.dir, file);
    texts.push([name, bytes.toString('utf8')]);
    // Bytes a UTF-8 reading would replace: a secret written in another encoding.
    if (bytes.some((byte) => byte > 0x7f))
      texts.push([`${name} (bytes)`, bytes.toString('latin1')]);
  }
  return texts;
}

/**
 * Fails unless no secret appears in any of `places` in any form a reader could turn back into
 * it (test/key-forms.ts: raw, percent-encoded, JSON-escaped, entity-encoded, base64/base64url
 * at any alignment), except in the steps' own mask commands.
 */
export function expectNoSecretWritten(secrets: readonly string[], places: WrittenPlaces): void {
  const texts: Array<[string, string]> = [];
  (places.steps ?? []).forEach((step, index) => {
    texts.push([`step ${index} stdout`, logWithoutMasks(step.stdout, secrets)]);
    texts.push([`step ${index} stderr`, step.stderr]);
    for (const [file, text] of Object.entries(step.files))
      texts.push([`step ${index} ${file}`, text]);
  });
  if (places.workdir) texts.push(...filesOutsideWorkspace(places.workdir));
  texts.push(...Object.entries(places.texts ?? {}));
  expect(secrets.length).toBeGreaterThan(0);
  expect(texts.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    for (const [where, text] of texts) {
      expect([where, keyFormIn(text, secret)]).toEqual([where, '']);
    }
  }
}
