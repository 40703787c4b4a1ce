// What `changed-only` and `shard` chose, as the summaries say it: a sentence per choice under
// the verdict's heading.
import { inlineText } from './markdown.ts';

/** What the selection of runs did, for the log, the summary and `results`. */
export interface Selection {
  /** Sentences for the summary, one per selection made (no workspace text in them). */
  notes: string[];
  /** `shard K of N`, when sharded. */
  shard?: string;
}

/**
 * A summary with the selection's notes under its heading (the verdict stays the first line).
 * A note may quote GitHub's error message: shown as plain text, never as markup.
 */
export function withNotes(summary: string, notes: readonly string[]): string {
  if (notes.length === 0) return summary;
  const end = summary.indexOf('\n');
  const heading = end === -1 ? summary : summary.slice(0, end);
  const rest = end === -1 ? '' : summary.slice(end);
  return `${heading}\n\n${notes.map(inlineText).join('\n\n')}\n${rest}`;
}
