import * as core from '@actions/core';
import type { CodeSource } from '../runs/code-source.ts';
import { describeLine, type ErrorLocation } from '../runs/error-location.ts';
import type { BatchEntry } from './run-report.ts';
import { failureHeadline } from './verdict.ts';
import { printUntrusted } from './log.ts';
import { truncateMiddle } from './truncate.ts';
import { LANGUAGE_NAMES } from './verdict.ts';

/** The runner keeps only this many annotations of each type per step and drops the rest. */
export const ANNOTATIONS_PER_TYPE = 10;

/** An annotation is read at a glance, and GitHub cuts long ones anyway. */
export const MAX_ANNOTATION_CHARS = 4_000;

type Kind = 'error' | 'warning' | 'notice';
const used: Record<Kind, number> = { error: 0, warning: 0, notice: 0 };

/**
 * Emits an annotation while this step has some of its type left; past the limit the
 * message goes to the log instead, where it is not lost. `core.setFailed` would emit one
 * more error, so failures go through here and set the exit code themselves.
 */
export function annotate(kind: Kind, text: string, properties: core.AnnotationProperties = {}) {
  const message = truncateMiddle(text, MAX_ANNOTATION_CHARS, 'the whole text is in the log').text;
  if (used[kind] >= ANNOTATIONS_PER_TYPE) {
    // The message can carry sandbox text: fenced, like all of it.
    core.info(`${kind} (over the runner's ${ANNOTATIONS_PER_TYPE}-per-step limit):`);
    printUntrusted(message);
    return;
  }
  used[kind]++;
  core[kind](message, properties);
}

/** A failed step with one error annotation (setFailed without a second, location-less one). */
export function fail(message: string, properties: core.AnnotationProperties = {}): void {
  process.exitCode = 1;
  annotate('error', message, properties);
}

/**
 * Where an annotation about the user's code points: for code from a file, the file and
 * line (so it shows on the pull request's diff); for inline code, a title that names the line.
 */
export function locationProperties(
  source: CodeSource,
  location: ErrorLocation | undefined,
  title: string,
): core.AnnotationProperties {
  if (!location) return { title };
  if (source.kind === 'file' && source.path) {
    return {
      title,
      file: source.path,
      startLine: location.line,
      endLine: location.line,
      ...(location.column === undefined ? {} : { startColumn: location.column }),
    };
  }
  return { title: `${title} at ${describeLine(location)}` };
}

/**
 * A failed run of a batch as an annotation: the run and its error, at the failing line of its
 * file or Markdown page. A notebook cell's goes on the notebook, at the line of the .ipynb where
 * the cell's failing line stands when `cellLines` (the cell's lines in the file, line 1 first)
 * say; its message names the cell and the line.
 */
export function annotationFor(
  entry: BatchEntry,
  cellLines?: readonly number[],
): { message: string; properties: core.AnnotationProperties } {
  const { report } = entry;
  const title = `${LANGUAGE_NAMES[report.language]} error`;
  const message = failureHeadline(report, ' failed: ');
  if (report.source.cell === undefined) {
    return { message, properties: locationProperties(report.source, report.errorLocation, title) };
  }
  const file = report.source.path;
  const line = report.errorLocation ? cellLines?.[report.errorLocation.line - 1] : undefined;
  return {
    message,
    properties:
      line === undefined ? { title, file } : { title, file, startLine: line, endLine: line },
  };
}
