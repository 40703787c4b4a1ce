// A setup that failed or ran out of time: the step's failure and the batch's session report
// tell it apart from a failed run, without depending on how the work environment runs setup.

/** How long `setup` may run (pip installs can take minutes). */
export const SETUP_TIMEOUT_S = 1800;
/** How much of a failed setup's output the error message carries. */
const SETUP_TAIL_CHARS = 2000;

export class SetupFailed extends Error {
  readonly exitCode: number | undefined;
  /** What failed, in one sentence, without the output. */
  readonly headline: string;
  /** Everything setup printed (redacted), for the job summary. */
  readonly output: string;
  constructor(exitCode: number | undefined, output: string, timedOut: boolean) {
    const headline = timedOut
      ? `setup did not finish within ${SETUP_TIMEOUT_S} s and was stopped; the code did not run.`
      : `setup failed with exit code ${exitCode}; the code did not run.`;
    super(`${headline} Last output:\n${output.slice(-SETUP_TAIL_CHARS)}`);
    this.exitCode = exitCode;
    this.headline = headline;
    this.output = output;
  }
}
