// The step's `with:` inputs, validated into one typed value before anything is spent: the runs
// (code-inputs.ts), the session, the sandbox work environment and how to report.
import type { RunOrigin } from '../github/runner-context.ts';
import type { NotebookPlan } from '../runs/notebook.ts';
import type { PlannedRun, ReportMode } from '../runs/planned-run.ts';
import type { SandboxInputs } from '../sandbox/sandbox-inputs.ts';
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
  type SyntaxCheckMode,
} from './parse.ts';
import { readSandboxInputs } from './sandbox-inputs.ts';
import { readGateway, readImage, readLifecycle, type Gateway } from './session-inputs.ts';
import type { LifecyclePolicy } from '../agentbay/sessions.ts';

export { InputError };
export { DEFAULT_IMAGE_ID } from './session-inputs.ts';
/** Above 60 s (the gateway's limit per request) the code runs as a polled background process. */
export const MAX_TIMEOUT_S = 3600;
/** Sessions one step may hold at once (`parallel`); each costs a concurrent-session slot. */
export const MAX_PARALLEL = 8;

export interface ActionInputs {
  /** What the step runs, in order: one run for inline code or one plain file. */
  runs: PlannedRun[];
  /** How the runs are reported: one run on its own, or a batch. */
  mode: ReportMode;
  timeoutS: number;
  apiKey: string;
  /** Origin of the gateway: from `region-id`, or the `endpoint` override. */
  endpoint: string;
  /** Sent as LoginRegionId: always the gateway's region. */
  regionId: string;
  /** Which gateway and region are used, and the warnings about them, for the log. */
  gateway: Pick<Gateway, 'note' | 'warnings'>;
  imageId: string;
  labels: Record<string, string>;
  failOnError: boolean;
  summary: boolean;
  cleanup: boolean;
  /** `idle-timeout` as given (seconds). */
  idleTimeoutS: number;
  /** What the create sends: idle release and the hard ceiling, in minutes. */
  lifecycle: LifecyclePolicy;
  /** About `max-runtime`, for the log. */
  lifecycleWarnings: string[];
  maxOutputSize: number;
  /** Workflow artifact to upload the rich files and the result to; '' for none. */
  artifact: string;
  comment: CommentInputs | undefined;
  syntaxCheck: SyntaxCheckMode;
  /** upload, setup, env, secret-env, download. */
  sandbox: SandboxInputs;
  /** How many sessions run the runs at once. */
  parallel: number;
  /** A session an earlier step created (`session-id`): used, never created or deleted here. */
  reuseSessionId: string;
  /** The notebooks among the files, parameters injected, to write back once run. */
  notebooks: NotebookPlan[];
}

/** The values no output, file, log line or summary of the step may hold. */
export function stepSecrets(inputs: ActionInputs): string[] {
  return [inputs.apiKey, inputs.comment?.token ?? '', ...Object.values(inputs.sandbox.secretEnv)];
}

/** `comment: true`: what is needed to post the pull-request comment. */
export interface CommentInputs {
  token: string;
  /** Tells this step's comment from others' on the same pull request. */
  stepId: string;
}

/**
 * The API key, from `api-key` or else the AGENTBAY_API_KEY environment variable: the one
 * input that needs the raw environment (a secret has no place in the runner context).
 */
export function readApiKey(read: InputReader, env: NodeJS.ProcessEnv): string {
  const key = read('api-key') || (env.AGENTBAY_API_KEY ?? '').trim();
  if (!key) {
    throw new InputError(
      'api-key',
      'is required: pass an AgentBay API key from a secret (api-key: ${{ secrets.AGENTBAY_API_KEY }}) or set the AGENTBAY_API_KEY environment variable',
    );
  }
  if (/\s/.test(key)) throw new InputError('api-key', 'must not contain white space');
  return key;
}

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
  const { runs, mode, notebooks } = readCodeInputs(read, context.workspace, parameters);
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
  };
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
