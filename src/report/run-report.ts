import type { CodeRunResult } from '../runs/result.ts';
import type { Language } from '../runs/language.ts';
import type { CodeSource } from '../runs/code-source.ts';
import type { ErrorLocation } from '../runs/error-location.ts';
import type { RichFile } from './rich-files.ts';

/** An uploaded workflow artifact. */
export interface ArtifactLink {
  name: string;
  /** Its page, when the run's URL is known. */
  url: string;
}

/** Everything the reporting code needs to describe one run, as plain data. */
export interface RunReport {
  language: Language;
  source: CodeSource;
  code: string;
  sessionId: string;
  /** Request id of the run_code call. */
  requestId: string;
  result: CodeRunResult;
  /** From just before the session was created to the end of run_code. */
  wallTimeMs: number;
  /** `cleanup: false`: the session stays alive after the job. */
  sessionKept: boolean;
  /** Where the whole result was written as JSON. */
  resultFile: string;
  /** Non-text results written to disk. */
  files: RichFile[];
  /** stdout and stderr were printed to the log as they arrived (a run longer than 60 s). */
  streamed?: boolean;
  /** What `setup` printed (redacted), when there was a setup. */
  setupOutput?: string;
  /** Files fetched from the sandbox with `download` (absolute paths on the runner). */
  downloads?: { dir: string; files: string[] };
  /** For code from a file: its page at the commit being built, when the runner says which. */
  sourceUrl?: string;
  /** Where in the user's code the failure happened, when the error output says. */
  errorLocation?: ErrorLocation;
  /** The artifact holding the files and the result, when one was uploaded. */
  artifact?: ArtifactLink;
}

/** The code a run was given, as reports show it. */
export type ReportedCode = Pick<RunReport, 'language' | 'source' | 'code'>;

/** One run of the batch as reported: its report, and how long it took end to end. */
export interface BatchEntry {
  report: RunReport;
  durationMs: number;
  /** Not run (a Markdown block marked skip): neither passed nor failed. */
  skipped?: boolean;
  /**
   * Not run because what it depended on failed or is gone (a notebook's later cells, the rest
   * of a page whose session was lost).
   */
  notRun?: boolean;
}
