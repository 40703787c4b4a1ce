// `junit-file`: the JUnit report written into the workspace, where the workflow's test
// reporters (and a final job gathering a matrix's shards) pick it up; its path is the output.
import { closeSync, constants, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import { renderJUnit, type JUnitRun } from '../report/junit.ts';
import type { Redactor } from '../text/secrets.ts';

/** The report's name: the action's, with the shard when the job runs one. */
export function junitName(shard: string | undefined): string {
  return shard ? `agentbay-run-code (${shard})` : 'agentbay-run-code';
}

/**
 * Writes the runs' JUnit report to `file` (checked when the inputs were read) and sets the
 * `junit-file` output. A report that cannot be written is a warning: the runs' verdict stands.
 */
export function publishJUnit(
  file: string,
  entries: readonly JUnitRun[],
  options: { shard?: string; redact: Redactor },
): void {
  if (!file) return;
  const xml = renderJUnit(entries, { name: junitName(options.shard), redact: options.redact });
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // Never through a link put there since the inputs were checked.
    const fd = openSync(
      file,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o644,
    );
    try {
      writeSync(fd, xml);
    } finally {
      closeSync(fd);
    }
    core.info(`JUnit report of ${entries.length} runs written to ${file}.`);
    core.setOutput('junit-file', file);
  } catch (error) {
    // A file-system error names the path and the cause; nothing of the runs is in it.
    const why = error instanceof Error ? error.message : String(error);
    core.warning(`Could not write the JUnit report (junit-file): ${why}`);
  }
}
