// A block's output held against the output its page expects: trimmed of trailing white space
// for the action's own marker, exactly (or with all white space removed) for pytest-codeblocks'.
import type { OutputCompare } from './planned-run.ts';

export interface OutputComparison {
  matches: boolean;
  /** A unified-style diff (expected `-`, actual `+`); '' when the outputs match. */
  diff: string;
}

/** Lines to diff exactly; beyond this the diff shows the first difference only. */
const MAX_DIFF_LINES = 2000;

/**
 * `trimmed` compares after normalising line ends and trimming trailing white space (per line
 * and at the end); `exact` compares the texts as they are, and `ignore-whitespace` with every
 * white space character removed, as pytest-codeblocks does.
 */
export function compareOutput(
  expected: string,
  actual: string,
  mode: OutputCompare = 'trimmed',
): OutputComparison {
  const matches =
    mode === 'exact'
      ? expected === actual
      : mode === 'ignore-whitespace'
        ? expected.replace(/\s+/g, '') === actual.replace(/\s+/g, '')
        : normalise(expected).join('\n') === normalise(actual).join('\n');
  if (matches) return { matches: true, diff: '' };
  const diff = diffLines(normalise(expected), normalise(actual));
  // Texts that differ only in trailing white space still get a diff that says where.
  return {
    matches: false,
    diff: /^[-+]/m.test(diff.split('\n').slice(2).join('\n')) ? diff : exactDiff(expected, actual),
  };
}

/** The first differing line, with its white space made visible. */
function exactDiff(expected: string, actual: string): string {
  const want = expected.split('\n');
  const got = actual.split('\n');
  let i = 0;
  while (i < want.length && i < got.length && want[i] === got[i]) i++;
  const show = (line: string | undefined) =>
    line === undefined ? '(no line)' : JSON.stringify(line);
  return [
    '--- expected',
    '+++ actual',
    `@@ the outputs differ in white space at line ${i + 1} @@`,
    `-${show(want[i])}`,
    `+${show(got[i])}`,
  ].join('\n');
}

function normalise(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/).map((line) => line.replace(/\s+$/, ''));
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

function diffLines(want: string[], got: string[]): string {
  const header = ['--- expected', '+++ actual'];
  if (want.length > MAX_DIFF_LINES || got.length > MAX_DIFF_LINES) {
    let i = 0;
    while (i < want.length && i < got.length && want[i] === got[i]) i++;
    return [
      ...header,
      `@@ first difference at line ${i + 1} (outputs too long to diff in full) @@`,
      ...(i < want.length ? [`-${want[i]}`] : []),
      ...(i < got.length ? [`+${got[i]}`] : []),
    ].join('\n');
  }
  // Longest common subsequence, filled from the end so the walk below goes forwards.
  const n = want.length;
  const m = got.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = table[i] as Uint32Array;
    const below = table[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] =
        want[i] === got[j]
          ? (below[j + 1] as number) + 1
          : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const out = [...header];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && want[i] === got[j]) {
      out.push(` ${want[i]}`);
      i++;
      j++;
    } else if (
      j < m &&
      (i >= n || ((table[i] as Uint32Array)[j + 1] ?? 0) > ((table[i + 1] as Uint32Array)[j] ?? 0))
    ) {
      out.push(`+${got[j]}`);
      j++;
    } else {
      out.push(`-${want[i]}`);
      i++;
    }
  }
  return out.join('\n');
}
