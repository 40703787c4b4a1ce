// What a step runs and what became of each run: the plain data that flows from the inputs
// through the session pool to the reports. A single run is a list of one.
import type { Language } from './language.ts';
import type { CodeRunResult } from './result.ts';
import type { CodeSource } from './code-source.ts';

/** One run: the code, where it comes from, and the language it runs in. */
export interface PlannedRun {
  source: CodeSource;
  language: Language;
  code: string;
  /** Runs of one group (a Markdown page) share one session, in order. */
  group?: string;
  /** Not run (a Markdown block marked skip). */
  skip?: boolean;
  /**
   * Passes only when the code fails (`<!-- run-code: expect-error -->`, a notebook cell tagged
   * `raises-exception`); its failure does not stop the group.
   */
  expectError?: boolean;
  /** The marker that said so, as the page wrote it, when not `expect-error`. */
  expectErrorMarker?: string;
  /** What the code must print, and the line of the block that says so. */
  expectedOutput?: { text: string; line: number };
  /** After a failure, the group's later runs are not run (a notebook's cells need the earlier ones). */
  stopGroupOnFailure?: boolean;
  /** A notebook's code cell: its index in the notebook's `cells`, for writing the outputs back. */
  notebookCell?: number;
  /** A notebook cell's lines in the .ipynb file (index 0: the cell's line 1), for annotations. */
  fileLines?: number[];
}

/**
 * How the step reports: `single` for inline code or one plain file (one run, reported on its
 * own), `batch` for anything that may name several (a pattern, several lines, a notebook,
 * Markdown), even when it turns out to name one.
 */
export type ReportMode = 'single' | 'batch';

/** What happened to one run. */
export interface RunOutcome {
  run: PlannedRun;
  /** 0-based position among the step's runs. */
  index: number;
  sessionId: string;
  requestId: string;
  /** The code's result; undefined when the service failed before the code could report. */
  result?: CodeRunResult;
  /** The sandbox file the code ran from, when it did: its error output names that file. */
  codeFile?: string;
  /** stdout and stderr went to the log as they arrived (a run above 60 s). */
  streamed?: boolean;
  /** The service failure that kept the run from finishing (not the code's own error). */
  serviceError?: unknown;
  /** Not run: marked skip. */
  skipped?: boolean;
  /** Not run because the state it depended on is gone with its session (serviceError says why). */
  notRun?: boolean;
  /** Not run because this earlier run of its group failed (`stopGroupOnFailure`). */
  notRunAfter?: number;
  durationMs: number;
}
