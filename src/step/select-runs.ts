// Which of the step's runs this job runs: `changed-only` keeps the files the change touched,
// then `shard` keeps this job's share of those. Both choose whole files (a page's blocks and a
// notebook's cells stay together), and both act before any syntax check or session.
import * as core from '@actions/core';
import { listChangedFiles, type ChangedFiles } from '../github/changed-files.ts';
import type { ActionInputs } from '../inputs/action-inputs.ts';
import { shardFiles, shardLabel } from '../inputs/shard.ts';
import { annotate } from '../report/annotations.ts';
import { printUntrusted } from '../report/log.ts';
import type { Selection } from '../report/selection-notes.ts';
import type { PlannedRun } from '../runs/planned-run.ts';
import type { Redactor } from '../text/secrets.ts';

/** Asks GitHub for the change's files (a parameter, so tests can answer without it). */
export type ChangedFilesSource = (token: string) => Promise<ChangedFiles>;

/** The inputs with only the runs this job runs (and their notebooks), and what was chosen. */
export async function selectRuns(
  inputs: ActionInputs,
  redact: Redactor,
  changedFiles: ChangedFilesSource = listChangedFiles,
): Promise<{ inputs: ActionInputs; selection: Selection }> {
  const selection: Selection = { notes: [] };
  if (!inputs.changedOnly && !inputs.shard) return { inputs, selection };
  const all = filesOf(inputs.runs);
  let kept = all;
  if (inputs.changedOnly) {
    const changed = await changedFiles(inputs.changedOnly.token);
    if (changed.kind === 'all') {
      const reason = redact(changed.reason);
      annotate(changed.level, `changed-only: running every file, because ${reason}.`);
      selection.notes.push(`Changed files only: every file runs, because ${reason}.`);
    } else {
      kept = all.filter((file) => changed.paths.has(file.path));
      const counted = `${kept.length} of ${all.length} files`;
      core.info(`changed-only: ${counted} changed in the ${changed.change}:`);
      printUntrusted(kept.map((f) => `  ${f.path}`).join('\n') || '  (none)');
      selection.notes.push(`Changed files only: ${counted} changed in the ${changed.change}.`);
    }
  }
  if (inputs.shard) {
    const label = shardLabel(inputs.shard);
    const mine = shardFiles(kept, inputs.shard);
    const share = kept.filter((file) => mine.has(file.path));
    const bytes = (files: typeof kept) => files.reduce((sum, f) => sum + f.size, 0);
    const counted = `${share.length} of ${kept.length} files (${bytes(share)} of ${bytes(kept)} bytes of code)`;
    core.info(`${label}: ${counted}:`);
    printUntrusted(share.map((f) => `  ${f.path}`).join('\n') || '  (none)');
    selection.notes.push(`${capitalise(label)}: ${counted}.`);
    selection.shard = label;
    kept = share;
  }
  const paths = new Set(kept.map((file) => file.path));
  return {
    inputs: {
      ...inputs,
      runs: inputs.runs.filter((run) => paths.has(fileOf(run))),
      notebooks: inputs.notebooks.filter((plan) => paths.has(plan.notebook.name)),
    },
    selection,
  };
}

/** The file a run comes from: a plain file, a Markdown page, a notebook. */
function fileOf(run: PlannedRun): string {
  return run.source.path ?? '';
}

/** Each file once, in run order, with the bytes of code its runs hold. */
function filesOf(runs: readonly PlannedRun[]): Array<{ path: string; size: number }> {
  const sizes = new Map<string, number>();
  for (const run of runs) {
    const file = fileOf(run);
    sizes.set(file, (sizes.get(file) ?? 0) + Buffer.byteLength(run.code, 'utf8'));
  }
  return [...sizes].map(([path, size]) => ({ path, size }));
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
