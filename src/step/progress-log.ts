// The log lines a step prints while its runs go on. A single run tells its story step by step
// (creating, created, running); a batch announces the pool once and then leaves the log to its
// runs. Chosen by the inputs' report mode, like the reports at the end.
import * as core from '@actions/core';
import type { ActionInputs } from '../inputs/action-inputs.ts';
import type { PlannedRun } from '../runs/planned-run.ts';
import { printableId } from '../text/printable-id.ts';
import type { Redactor } from '../text/secrets.ts';

export interface ProgressLog {
  /** The pool is about to start, with this many sessions at most. */
  starting(poolSize: number): void;
  /** The runs go to the session of an earlier step (`session-id`). */
  reusing(sessionId: string): void;
  /** A create is about to be sent. */
  creating(): void;
  created(sessionId: string, requestId: string): void;
  /** A run is about to be sent. */
  running(run: PlannedRun): void;
  /** The pool's own news (quota retries, sessions lost or not prepared). */
  pool(message: string): void;
}

export function progressLog(inputs: ActionInputs, redact: Redactor): ProgressLog {
  const where = `on image ${inputs.imageId} at ${inputs.endpoint}`;
  if (inputs.mode === 'batch') {
    return {
      starting: (poolSize) =>
        core.info(
          `Running ${inputs.runs.length} files in up to ${poolSize} session${poolSize === 1 ? '' : 's'} ${where} …`,
        ),
      reusing: () => undefined,
      creating: () => undefined,
      created: (sessionId) => core.info(`Session ${printableId(sessionId)} created.`),
      running: () => undefined,
      pool: (message) => core.info(redact(message)),
    };
  }
  return {
    starting: () => undefined,
    reusing: (sessionId) =>
      core.info(
        `Using session ${sessionId} from an earlier step (session-id); the step that created it deletes it.`,
      ),
    creating: () => core.info(`Creating an AgentBay session ${where} …`),
    created: (sessionId, requestId) =>
      core.info(`Session ${printableId(sessionId)} created (request id ${requestId || 'none'}).`),
    running: (run) => {
      const mode = inputs.timeoutS > 60 ? ' as a background process (timeout above 60 s)' : '';
      core.info(`Running ${run.language} code with a ${inputs.timeoutS} s timeout${mode} …`);
    },
    // A single run's session that could not be prepared is the step's failure, reported once.
    pool: () => undefined,
  };
}
