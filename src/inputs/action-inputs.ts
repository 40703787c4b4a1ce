// The step's inputs as one typed value (inputs.ts reads and checks them): what the rest of the
// action is given, with no reading or checking of its own.
import type { LifecyclePolicy } from './session-inputs.ts';
import type { NotebookPlan } from '../runs/notebook.ts';
import type { PlannedRun, ReportMode } from '../runs/planned-run.ts';
import type { SyntaxCheckMode } from './parse.ts';
import type { SandboxInputs } from './sandbox-settings.ts';
import type { Shard } from './shard.ts';

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
  gateway: { note: string; warnings: string[] };
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
  /** Said once in the log after the inputs are read (a notebook run as Python for want of a kernel). */
  notices: string[];
  /** `changed-only: true`: the token that reads the change's file list; undefined otherwise. */
  changedOnly: { token: string } | undefined;
  /** `shard: K/N`: this job's share of the files. */
  shard: Shard | undefined;
  /** `junit-file`: the absolute path to write the JUnit report to; '' for none. */
  junitFile: string;
}

/** The values no output, file, log line or summary of the step may hold. */
export function stepSecrets(inputs: ActionInputs): string[] {
  return [
    inputs.apiKey,
    inputs.comment?.token ?? '',
    inputs.changedOnly?.token ?? '',
    ...Object.values(inputs.sandbox.secretEnv),
  ];
}

/** `comment: true`: what is needed to post the pull-request comment. */
export interface CommentInputs {
  token: string;
  /** Tells this step's comment from others' on the same pull request. */
  stepId: string;
}
