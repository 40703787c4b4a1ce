// What the step knows of the runner and of the workflow run it belongs to, read from the
// environment once by the entry and passed down as plain data: the modules below never read
// process.env themselves, so what they depend on is in their parameters.
import { tmpdir } from 'node:os';

/** Where the run comes from: the values of the session labels that trace a session back. */
export interface RunOrigin {
  repository: string;
  runId: string;
  runAttempt: string;
  job: string;
  /** The step's id within the job (GITHUB_ACTION), for the default comment id. */
  action: string;
}

export interface RunnerContext {
  /** The checked-out repository: `file`, `markdown` and `upload` name paths inside it. */
  workspace: string;
  /** The runner's scratch directory: result files, downloads, the syntax check's files. */
  runnerTemp: string;
  /** The workflow run's page; '' when the environment cannot say. */
  runUrl: string;
  /** `<server>/<owner>/<repo>/blob/<sha>`, to link a workspace file; '' when unknown. */
  blobUrlBase: string;
  /** The runner offers a job summary (GITHUB_STEP_SUMMARY). */
  jobSummary: boolean;
  origin: RunOrigin;
}

/** The context as the runner's environment describes it. Never throws. */
export function readRunnerContext(env: NodeJS.ProcessEnv): RunnerContext {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const repository = env.GITHUB_REPOSITORY ?? '';
  const runId = env.GITHUB_RUN_ID ?? '';
  const sha = env.GITHUB_SHA ?? '';
  const knownRepository = /^[\w.-]+\/[\w.-]+$/.test(repository);
  return {
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    runnerTemp: env.RUNNER_TEMP || tmpdir(),
    runUrl:
      knownRepository && /^\d+$/.test(runId) ? `${server}/${repository}/actions/runs/${runId}` : '',
    blobUrlBase:
      knownRepository &&
      /^https?:\/\/[\w.:-]+$/.test(server) &&
      /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)
        ? `${server}/${repository}/blob/${sha}`
        : '',
    jobSummary: Boolean(env.GITHUB_STEP_SUMMARY),
    origin: {
      repository,
      runId,
      runAttempt: env.GITHUB_RUN_ATTEMPT ?? '',
      job: env.GITHUB_JOB ?? '',
      action: env.GITHUB_ACTION ?? '',
    },
  };
}

/**
 * The page of a workspace file at the commit being built, to which a line anchor can be
 * added; '' when the context does not say which commit, or the path is not a plain one.
 */
export function blobUrl(context: Pick<RunnerContext, 'blobUrlBase'>, filePath: string): string {
  if (
    !context.blobUrlBase ||
    !filePath ||
    filePath.split('/').some((part) => part === '' || part === '.' || part === '..')
  ) {
    return '';
  }
  return `${context.blobUrlBase}/${filePath.split('/').map(encodeURIComponent).join('/')}`;
}
