import { randomBytes } from 'node:crypto';
import * as core from '@actions/core';
import type { RunReport } from './run-report.ts';
import { truncateMiddle } from './truncate.ts';

/** More than this much of one stream in the log helps nobody; the result file has it all. */
export const LOG_STREAM_LIMIT = 4 * 1024 * 1024;

/**
 * Prints text the sandbox produced. The runner would otherwise read `::command::` lines
 * in it as workflow commands, so printing is fenced with `::stop-commands::` and an
 * unguessable token that the sandbox cannot know.
 */
export function printUntrusted(
  text: string,
  write: (s: string) => void = (s) => void process.stdout.write(s),
): void {
  const token = randomBytes(16).toString('hex');
  write(`::stop-commands::${token}\n`);
  write(text.endsWith('\n') ? text : `${text}\n`);
  write(`::${token}::\n`);
}

export async function logRun(report: RunReport): Promise<void> {
  const { result } = report;
  const streams: Array<[string, string]> = [];
  if (report.streamed) {
    // Printed once, as it arrived: only a pointer to the whole text here.
    core.info(
      `The output was printed above as it arrived (stdout ${result.stdout.length}, stderr ${result.stderr.length} characters); the whole text is in ${report.resultFile}.`,
    );
  } else {
    streams.push(['stdout', result.stdout], ['stderr', result.stderr]);
    if (result.output && result.output !== result.stdout) {
      streams.unshift(['Output', result.output]);
    }
  }
  if (result.errorDetail && !(report.streamed && result.errorDetail === result.stderr)) {
    streams.push(['Error', result.errorDetail]);
  }
  for (const [name, text] of streams) {
    if (!text) continue;
    const fitted = truncateMiddle(
      text,
      LOG_STREAM_LIMIT,
      `the full text is in ${report.resultFile}`,
    );
    await core.group(
      `${name} (${text.length} character${text.length === 1 ? '' : 's'})`,
      async () => printUntrusted(fitted.text),
    );
  }
  const time =
    result.executionTimeS === undefined ? '' : ` in ${result.executionTimeS.toFixed(2)} s`;
  if (result.success) {
    core.info(`The ${report.language} code ran successfully${time}.`);
  } else {
    core.info(`The ${report.language} code failed${time}:`);
    printUntrusted(result.error);
  }
}
