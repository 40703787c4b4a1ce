// The step's `with:` inputs, validated into one typed value before anything is spent: the runs
// (code-inputs.ts), the session, the sandbox work environment and how to report.
import type { RunOrigin } from '../github/runner-context.ts';
import type { ActionInputs, CommentInputs } from './action-inputs.ts';
import { readApiKey } from './api-key.ts';
import { readCodeInputs } from './code-inputs.ts';
import { InputError } from './input-error.ts';
import { readParameters } from './notebook-inputs.ts';
import {
  parseArtifactName,
  parseBoolean,
  parseInteger,
  parseLabels,
  parseSessionId,
  parseSyntaxCheck,
  type InputReader,
} from './parse.ts';
import { resolveReportPath } from './report-path.ts';
import { readSandboxInputs } from './sandbox-inputs.ts';
import { readGateway, readImage, readLifecycle } from './session-inputs.ts';
import { parseShard } from './shard.ts';

export { InputError };
export type { ActionInputs, CommentInputs };
export { DEFAULT_IMAGE_ID } from './session-inputs.ts';
/** Above 60 s (the gateway's limit per request) the code runs as a polled background process. */
export const MAX_TIMEOUT_S = 3600;
/** Sessions one step may hold at once (`parallel`); each costs a concurrent-session slot. */
export const MAX_PARALLEL = 8;

/** Where the inputs name files (the workspace), and what the defaults come from. */
export interface InputContext {
  workspace: string;
  origin: Pick<RunOrigin, 'job' | 'action'>;
}

/**
 * Every input, validated; throws InputError on the first bad one, before anything is spent.
 * `env` is read only for the API key (readApiKey).
 */
export function readInputs(
  read: InputReader,
  context: InputContext,
  env: NodeJS.ProcessEnv,
): ActionInputs {
  const apiKey = readApiKey(read, env);
  const parameters = readParameters(read('parameters'));
  const { runs, mode, notebooks, notices } = readCodeInputs(read, context.workspace, parameters);
  if (parameters && notebooks.length === 0) {
    throw new InputError(
      'parameters',
      'applies to notebooks only, and no file given to `file` is one (.ipynb); remove it, or give a notebook',
    );
  }
  const timeoutS = parseInteger('timeout', read('timeout'), {
    min: 1,
    max: MAX_TIMEOUT_S,
    fallback: 60,
    unit: 'seconds',
  });
  const cleanup = parseBoolean('cleanup', read('cleanup'), true);
  const sandbox = readSandboxInputs(read, context.workspace);
  const { endpoint, regionId, ...gateway } = readGateway(read);
  const lifecycle = readLifecycle(read, {
    timeoutS,
    runs: runs.filter((run) => !run.skip).length,
    setup: sandbox.setup !== '',
    transfers: sandbox.upload.length > 0 || sandbox.download.length > 0,
    outlivesStep: !cleanup || stepHasId(context.origin.action),
  });
  const inputs: ActionInputs = {
    runs,
    mode,
    parallel: parseInteger('parallel', read('parallel'), {
      min: 1,
      max: MAX_PARALLEL,
      fallback: 1,
      unit: 'sessions',
    }),
    reuseSessionId: parseSessionId(read('session-id'), read('parallel')),
    timeoutS,
    apiKey,
    endpoint,
    regionId,
    gateway,
    imageId: readImage(read),
    labels: parseLabels(read('labels')),
    failOnError: parseBoolean('fail-on-error', read('fail-on-error'), true),
    summary: parseBoolean('summary', read('summary'), true),
    cleanup,
    idleTimeoutS: lifecycle.idleTimeoutS,
    lifecycle: lifecycle.policy,
    lifecycleWarnings: lifecycle.warnings,
    maxOutputSize: parseInteger('max-output-size', read('max-output-size'), {
      min: 1024,
      max: 900_000,
      fallback: 262_144,
      unit: 'bytes',
    }),
    artifact: parseArtifactName(read('artifact')),
    comment: readComment(read, context.origin),
    syntaxCheck: parseSyntaxCheck(read('syntax-check')),
    sandbox,
    notebooks,
    notices,
    changedOnly: readChangedOnly(read),
    shard: parseShard(read('shard')),
    junitFile: resolveReportPath('junit-file', read('junit-file'), context.workspace),
  };
  if (runs.some((run) => run.source.kind === 'inline')) refuseSelectionOfInline(inputs);
  if (runs.some((run) => run.group !== undefined)) refuseLongModeForGroups(inputs.timeoutS);
  return inputs;
}

/**
 * GITHUB_ACTION is the step's id when it has one, else a generated name starting with `__`
 * (`__run`, `__owner_repo`). Only a step with an id can hand its `session-id` output to a
 * later step, so only its session may be used after it.
 */
function stepHasId(action: string): boolean {
  return action !== '' && !action.startsWith('__');
}

/**
 * Above 60 s each run is a process of its own, so the blocks of a Markdown page (or the cells
 * of a notebook) could not share the state the ones before them built up: refused rather than
 * half working.
 */
function refuseLongModeForGroups(timeoutS: number): void {
  if (timeoutS > 60) {
    throw new InputError(
      'timeout',
      `must be a whole number from 1 to 60 seconds with \`markdown\` or a notebook (got ${timeoutS}): above 60 each block or cell would run as a process of its own, without the state of the ones before it`,
    );
  }
}

/** `changed-only` and `shard` choose among files: inline code is none. */
function refuseSelectionOfInline(inputs: ActionInputs): void {
  const input = inputs.changedOnly ? 'changed-only' : inputs.shard ? 'shard' : '';
  if (input) {
    throw new InputError(
      input,
      "chooses among the files of 'file' and 'markdown', and inline 'code' is not one: give the code as a file, or remove it",
    );
  }
}

function readChangedOnly(read: InputReader): ActionInputs['changedOnly'] {
  if (!parseBoolean('changed-only', read('changed-only'), false)) return undefined;
  const token = read('github-token');
  if (!token) {
    throw new InputError(
      'github-token',
      "is required when changed-only is true: leave it at its default (${{ github.token }}) or pass a token that may read the repository's contents and pull requests",
    );
  }
  return { token };
}

function readComment(read: InputReader, origin: InputContext['origin']): CommentInputs | undefined {
  if (!parseBoolean('comment', read('comment'), false)) return undefined;
  const token = read('github-token');
  if (!token) {
    throw new InputError(
      'github-token',
      'is required when comment is true: leave it at its default (${{ github.token }}) or pass a token that may write pull-request comments',
    );
  }
  const explicit = read('comment-id');
  if (explicit && !/^[A-Za-z0-9._-]{1,100}$/.test(explicit)) {
    throw new InputError(
      'comment-id',
      `must be 1 to 100 letters, digits, '.', '_' or '-'; got '${explicit}'`,
    );
  }
  const stepId =
    explicit ||
    [origin.job, origin.action]
      .filter(Boolean)
      .join('.')
      .replace(/[^A-Za-z0-9._-]/g, '_') ||
    'default';
  return { token, stepId };
}
