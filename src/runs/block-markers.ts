// The comment markers that stand on the lines before a Markdown code block: the action's own
// (`<!-- run-code: skip -->`) and pytest-codeblocks' (`<!--pytest-codeblocks:cont-->`,
// `<!--pytest.mark.skip-->`), read as pytest-codeblocks 0.17 reads its own: the line stripped,
// `<!--`, optional dashes and spaces, the keyword, `-->`.
import type { OutputCompare } from './planned-run.ts';

export type { OutputCompare };

/** A marker that cannot be honoured; the message names the page and the line. */
export class MarkdownBlockError extends Error {
  readonly line: number;
  constructor(page: string, line: number, message: string) {
    super(`${page}:${line}: ${message}`);
    this.name = 'MarkdownBlockError';
    this.line = line;
  }
}

export type MarkerKind =
  'skip' | 'expect-error' | 'expected-output' | 'cont' | 'skipif' | 'importorskip' | 'skipfile';

export interface BlockMarker {
  kind: MarkerKind;
  /** 1-based line of the marker. */
  line: number;
  /** The action's own markers apply to the very next block; pytest-codeblocks' carry over prose. */
  family: 'run-code' | 'pytest';
  /** As the page wrote it, for messages. */
  spelling: string;
  /** skipif: the arguments of the condition call; importorskip: the module. */
  argument?: string;
  /** expected-output: how to compare. */
  compare?: OutputCompare;
}

const RUN_CODE = /^\s{0,3}<!--\s*run-code\s*:\s*([^\s>]*)\s*-->\s*$/;
const RUN_CODE_KINDS = ['skip', 'expect-error', 'expected-output'] as const;
const PYTEST_CODEBLOCKS = /^<!--[-\s]*pytest-codeblocks:(.*)-->/;
const PYTEST_MARK = /^<!--[-\s]*(pytest\.mark\..*)-->/;
/** What `__import__` takes: a dotted module name. */
const MODULE_NAME = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/;
const PYTEST_KEYWORDS =
  "'skip', 'skipif(condition)', 'importorskip(module)', 'cont', 'expected-output', 'expected-output-ignore-whitespace', 'expect-exception', 'expect-error', 'skipfile' (first line only)";

/** The marker a line is, undefined for any other line; throws for a marker that is unknown. */
export function readMarker(page: string, line: number, text: string): BlockMarker | undefined {
  const own = RUN_CODE.exec(text);
  if (own) return runCodeMarker(page, line, own[1] ?? '');
  const stripped = text.trim();
  const codeblocks = PYTEST_CODEBLOCKS.exec(stripped);
  if (codeblocks) return pytestKeyword(page, line, trimDashes(codeblocks[1] ?? ''));
  const mark = PYTEST_MARK.exec(stripped);
  if (mark) return pytestMark(page, line, (mark[1] ?? '').trim());
  return undefined;
}

function runCodeMarker(page: string, line: number, word: string): BlockMarker {
  const kind = word.toLowerCase() as (typeof RUN_CODE_KINDS)[number];
  if (!RUN_CODE_KINDS.includes(kind)) {
    throw new MarkdownBlockError(
      page,
      line,
      `unknown marker 'run-code: ${word}'; use one of ${RUN_CODE_KINDS.map((m) => `'run-code: ${m}'`).join(', ')}`,
    );
  }
  return {
    kind,
    line,
    family: 'run-code',
    spelling: `run-code: ${kind}`,
    ...(kind === 'expected-output' ? { compare: 'trimmed' as const } : {}),
  };
}

/** pytest-codeblocks strips dashes and spaces from both ends of the keyword. */
function trimDashes(text: string): string {
  return text.replace(/^[-\s]+|[-\s]+$/g, '');
}

function pytestKeyword(page: string, line: number, keyword: string): BlockMarker {
  const spelling = `pytest-codeblocks:${keyword}`;
  const marker = { line, family: 'pytest' as const, spelling };
  switch (keyword) {
    case 'skip':
      return { ...marker, kind: 'skip' };
    case 'cont':
      return { ...marker, kind: 'cont' };
    case 'expect-exception':
    case 'expect-error':
      return { ...marker, kind: 'expect-error' };
    case 'expected-output':
      return { ...marker, kind: 'expected-output', compare: 'exact' };
    case 'expected-output-ignore-whitespace':
      return { ...marker, kind: 'expected-output', compare: 'ignore-whitespace' };
    case 'skipfile':
      return { ...marker, kind: 'skipfile' };
  }
  const call = /^(skipif|importorskip)\((.*)\)$/s.exec(keyword);
  if (call) {
    const argument = (call[2] ?? '').trim();
    if (call[1] === 'skipif') return skipif(page, line, spelling, argument, marker);
    if (!MODULE_NAME.test(argument)) {
      throw new MarkdownBlockError(
        page,
        line,
        `'${clip(spelling)}' needs a module name as written for import, such as importorskip(numpy) (pytest-codeblocks passes it to __import__ as it stands, so quotes would always skip)`,
      );
    }
    return { ...marker, kind: 'importorskip', argument };
  }
  throw new MarkdownBlockError(
    page,
    line,
    `unknown pytest-codeblocks marker '${clip(spelling)}'; the action accepts ${PYTEST_KEYWORDS}`,
  );
}

function pytestMark(page: string, line: number, text: string): BlockMarker {
  const marker = { line, family: 'pytest' as const, spelling: text };
  const call = /^pytest\.mark\.(\w+)\s*(?:\((.*)\))?$/s.exec(text);
  const name = call?.[1] ?? '';
  const args = call?.[2]?.trim();
  if (name === 'skip') return { ...marker, kind: 'skip' };
  if (name === 'skipif' && args !== undefined) return skipif(page, line, text, args, marker);
  // Only an unconditional xfail is a block that must fail; conditions and `raises` are not read.
  if (name === 'xfail' && (args === undefined || args === '' || /^reason\s*=/.test(args))) {
    return { ...marker, kind: 'expect-error' };
  }
  throw new MarkdownBlockError(
    page,
    line,
    `unsupported marker '${clip(text)}'; the action accepts pytest.mark.skip, pytest.mark.skipif(condition, reason=...) and pytest.mark.xfail (with at most a reason)`,
  );
}

function skipif(
  page: string,
  line: number,
  spelling: string,
  argument: string,
  marker: { line: number; family: 'pytest'; spelling: string },
): BlockMarker {
  if (argument === '') {
    throw new MarkdownBlockError(page, line, `'${clip(spelling)}' has no condition`);
  }
  return { ...marker, kind: 'skipif', argument };
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
