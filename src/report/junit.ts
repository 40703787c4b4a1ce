// The runs as a JUnit XML report, the format test reporters read (dorny/test-reporter,
// mikepenz/action-junit-report, EnricoMi/publish-unit-test-result-action, GitLab, Jenkins):
// one <testsuite> per file, page or notebook, one <testcase> per run. Every text in it is
// sandbox or workspace text: made valid XML 1.0, redacted, bounded, then escaped.
// Plain data in (a batch's entries fit it), so the report needs none of the other renderers.
import { sourceName, type CodeSource } from '../runs/code-source.ts';
import type { Redactor } from '../text/secrets.ts';
import { truncateMiddle } from './truncate.ts';

/** Each of a run's texts (stdout, stderr, traceback): readers show them, they do not archive them. */
export const MAX_JUNIT_TEXT_CHARS = 64 * 1024;
/** A failure's message and a name are one line each. */
const MAX_LINE_CHARS = 1_000;

/** One run as the report needs it: a batch's entry (JUnitRun) or a single run's report. */
export interface JUnitRun {
  report: {
    source: CodeSource;
    result: {
      success: boolean;
      /** The one-line error. */
      error: string;
      /** The traceback, when the service gave one apart from stderr. */
      errorDetail: string;
      stdout: string;
      stderr: string;
      /** The main result's text (a trailing expression's value), or stdout. */
      output: string;
    };
  };
  durationMs: number;
  /** Marked skip. */
  skipped?: boolean;
  /** Not run: what it depended on failed or is gone. */
  notRun?: boolean;
}

type Verdict = 'passed' | 'failed' | 'skipped' | 'not-run';

/** As every report of a batch says it (report/verdict.ts): skipped, not run, then the result. */
function verdictOf(run: JUnitRun): Verdict {
  if (run.skipped) return 'skipped';
  if (run.notRun) return 'not-run';
  return run.report.result.success ? 'passed' : 'failed';
}

function count(runs: readonly JUnitRun[], ...verdicts: Verdict[]): number {
  return runs.filter((run) => verdicts.includes(verdictOf(run))).length;
}

export interface JUnitOptions {
  /** The report's name (the <testsuites> name): the action, and the shard when there is one. */
  name: string;
  /** Takes every form of every secret out of a text. */
  redact: Redactor;
}

/** The runs as a JUnit XML document, grouped by the file each came from, in run order. */
export function renderJUnit(entries: readonly JUnitRun[], options: JUnitOptions): string {
  const text = (value: string, max: number): string => cleanText(value, max, options.redact);
  const suites = new Map<string, JUnitRun[]>();
  for (const entry of entries) {
    const file = fileOf(entry);
    suites.set(file, [...(suites.get(file) ?? []), entry]);
  }
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({
      name: text(options.name, MAX_LINE_CHARS),
      tests: entries.length,
      failures: count(entries, 'failed'),
      errors: 0,
      time: seconds(entries),
    })}>`,
  ];
  for (const [file, runs] of suites) {
    lines.push(
      `  <testsuite${attributes({
        name: text(file, MAX_LINE_CHARS),
        tests: runs.length,
        failures: count(runs, 'failed'),
        errors: 0,
        skipped: count(runs, 'skipped', 'not-run'),
        time: seconds(runs),
      })}>`,
    );
    for (const run of runs) lines.push(...testcase(run, file, text));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

/** One run: its verdict as JUnit says it, then what it printed. */
function testcase(
  entry: JUnitRun,
  file: string,
  text: (value: string, max: number) => string,
): string[] {
  const { report } = entry;
  const { result } = report;
  const open = `    <testcase${attributes({
    name: text(sourceName(report.source), MAX_LINE_CHARS),
    classname: text(file, MAX_LINE_CHARS),
    time: (entry.durationMs / 1000).toFixed(3),
  })}`;
  const body: string[] = [];
  const verdict = verdictOf(entry);
  if (verdict === 'failed') {
    const message = oneLine(text(result.error, MAX_LINE_CHARS)) || 'failed';
    const traceback = text(tracebackOf(result), MAX_JUNIT_TEXT_CHARS);
    body.push(
      `      <failure${attributes({ message, type: 'failure' })}>${escapeText(traceback)}</failure>`,
    );
  } else if (verdict === 'skipped') {
    body.push('      <skipped message="marked skip"/>');
  } else if (verdict === 'not-run') {
    const why = oneLine(text(result.error, MAX_LINE_CHARS)) || 'not run';
    body.push(`      <skipped${attributes({ message: why })}/>`);
  }
  if (verdict === 'passed' || verdict === 'failed') {
    // A trailing expression's value is output too (a notebook cell's result).
    const printed =
      result.output && result.output !== result.stdout
        ? [result.stdout, result.output].filter(Boolean).join('\n')
        : result.stdout;
    const stdout = text(printed, MAX_JUNIT_TEXT_CHARS);
    const stderr = text(result.stderr, MAX_JUNIT_TEXT_CHARS);
    if (stdout) body.push(`      <system-out>${escapeText(stdout)}</system-out>`);
    if (stderr) body.push(`      <system-err>${escapeText(stderr)}</system-err>`);
  }
  return body.length === 0 ? [`${open}/>`] : [`${open}>`, ...body, '    </testcase>'];
}

/** The file a run belongs to: its path, the page of a block, the notebook of a cell. */
function fileOf(entry: JUnitRun): string {
  const { source } = entry.report;
  return source.kind === 'file' ? (source.path ?? '') : sourceName(source);
}

/**
 * The failure's text: the traceback the service gave, or stderr when the traceback is only
 * there; without the one-line error, which is the failure's message (failure-section.ts words
 * the summary's the same way).
 */
function tracebackOf(result: JUnitRun['report']['result']): string {
  const detail = result.errorDetail.trim();
  const text = !detail || result.stderr.includes(detail) ? result.stderr : result.errorDetail;
  const headline = result.error.trim();
  return headline
    ? text
        .split('\n')
        .filter((line) => line.trim() !== headline)
        .join('\n')
    : text;
}

function seconds(entries: readonly JUnitRun[]): string {
  return (entries.reduce((sum, e) => sum + e.durationMs, 0) / 1000).toFixed(3);
}

function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/**
 * Characters XML 1.0 cannot hold, even escaped: C0 controls but tab, line feed and carriage
 * return; U+FFFE and U+FFFF; a surrogate without its pair.
 */
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A text ready to escape: what XML cannot hold dropped (before redaction, so a secret split by
 * a control character is found whole), every secret out, then cut, and the cut's edges redacted
 * again (the redactor finds a secret's start or end beside the cut mark).
 */
export function cleanText(value: string, maxChars: number, redact: Redactor): string {
  const valid = redact(value.replace(NOT_XML, ''));
  const cut = truncateMiddle(valid, maxChars, 'the full text is in the result file').text;
  return cut === valid ? valid : redact(cut);
}

/** Text content: `]]>` and markup cannot appear, a carriage return survives parsing. */
export function escapeText(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/** Attribute values, quoted with ", their white space kept (a parser would normalise it). */
function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => {
      const escaped = escapeText(String(value))
        .replace(/"/g, '&quot;')
        .replace(/\t/g, '&#9;')
        .replace(/\n/g, '&#10;');
      return ` ${name}="${escaped}"`;
    })
    .join('');
}
