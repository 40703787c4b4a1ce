// The runnable code blocks of a Markdown page, with the markers on the lines before them: the
// action's own and pytest-codeblocks' (block-markers.ts), HTML comments invisible when the page
// renders. A `>>>` session (a pycon fence, or a python fence that starts with `>>>`) is a
// doctest.
import { canonicalLanguage, type Language } from './language.ts';
import {
  MarkdownBlockError,
  readMarker,
  type BlockMarker,
  type OutputCompare,
} from './block-markers.ts';
import type { BlockCondition } from './planned-run.ts';

export { MarkdownBlockError, type BlockCondition };
export { compareOutput, type OutputComparison } from './output-compare.ts';

export interface CodeBlock {
  /** 1-based position among the page's runnable blocks. */
  number: number;
  /** 1-based line of the opening fence. */
  line: number;
  language: Language;
  /** The info string as written (```python title="x" → 'python title="x"'). */
  info: string;
  code: string;
  /** The page's line of each line of `code` (a block joined by `cont` spans two fences). */
  pageLines: number[];
  skip: boolean;
  expectError: boolean;
  /** The marker that made it so, when not the action's own. */
  expectErrorMarker?: string;
  conditions: BlockCondition[];
  /** A `>>>` session, run as Python's doctest runs it. */
  doctest: boolean;
  /** What the block must print, from the fence after an expected-output marker. */
  expectedOutput?: { text: string; line: number; compare: OutputCompare };
  /** The fence was never closed: the block runs to the end of the page, as CommonMark reads it. */
  unterminated: boolean;
}

interface Fence {
  line: number;
  info: string;
  lines: string[];
  unterminated: boolean;
  markers: BlockMarker[];
}

const FENCE_OPEN = /^( *)(`{3,}|~{3,})(.*)$/;

/** Every fenced block of a page, with the markers before it; [] for a pytest-codeblocks skipfile. */
function fences(page: string, text: string): Fence[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const out: Fence[] = [];
  let pending: BlockMarker[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const marker = readMarker(page, i + 1, line);
    if (marker?.kind === 'skipfile') {
      // pytest-codeblocks skips a page only for the marker on its very first line.
      if (i === 0 && line.trim() === '<!--pytest-codeblocks:skipfile-->') return [];
      throw new MarkdownBlockError(
        page,
        i + 1,
        "'<!--pytest-codeblocks:skipfile-->' skips a page only as its first line, written exactly so",
      );
    }
    if (marker) {
      pending.push(marker);
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    const fenceChars = open?.[2] ?? '';
    const info = (open?.[3] ?? '').trim();
    // A backtick fence's info string cannot contain backticks (that is inline code).
    if (!open || (fenceChars.startsWith('`') && info.includes('`'))) {
      // The action's markers belong to the block right after them; pytest-codeblocks' wait
      // for the next block, whatever stands between.
      if (line.trim() !== '') pending = pending.filter((m) => m.family === 'pytest');
      continue;
    }
    const indent = (open[1] ?? '').length;
    const openLine = i + 1;
    const body: string[] = [];
    let closed = false;
    for (i++; i < lines.length; i++) {
      const inner = lines[i] as string;
      const close = /^ *(`{3,}|~{3,})\s*$/.exec(inner);
      if (close?.[1] && close[1][0] === fenceChars[0] && close[1].length >= fenceChars.length) {
        closed = true;
        break;
      }
      // Content loses up to the opening fence's indentation (CommonMark).
      body.push(inner.replace(new RegExp(`^ {0,${indent}}`), ''));
    }
    out.push({ line: openLine, info, lines: body, unterminated: !closed, markers: pending });
    pending = [];
  }
  return out;
}

/** The text of a fence as a file holds it: its lines, each ending in a newline. */
function fenceText(fence: Fence): string {
  return fence.lines.map((l) => `${l}\n`).join('');
}

/** A block or another fence, as pytest-codeblocks lists them (`cont` joins the last one). */
type Entry = { block: CodeBlock } | { block: undefined };

/**
 * The page's runnable blocks in order: fenced blocks whose info string starts with a language
 * the service runs (or `pycon`). Blocks in other languages and plain fences are not run.
 */
export function extractCodeBlocks(page: string, text: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let previous: CodeBlock | undefined;
  let last: Entry | undefined;
  let carried: BlockMarker[] = [];
  for (const fence of fences(page, text)) {
    const markers = [...carried, ...fence.markers];
    carried = [];
    const find = (kind: BlockMarker['kind']) => markers.find((m) => m.kind === kind);
    const cont = find('cont');
    const expected = find('expected-output');
    if (cont || expected) {
      const used = (cont ?? expected) as BlockMarker;
      refuseOwnMarkers(page, markers, used);
      // pytest-codeblocks keeps the other markers for the next block.
      carried = markers.filter((m) => m !== used);
      if (cont) joinBlock(page, cont, fence, last);
      else if (used.family === 'run-code') setExpected(page, used, fence, previous);
      else if (last?.block) setExpected(page, used, fence, last.block);
      else if (!last)
        throw new MarkdownBlockError(page, used.line, `'${used.spelling}' follows no code block`);
      continue;
    }
    const block = newBlock(page, fence, markers, blocks.length + 1);
    last = { block };
    if (!block) continue;
    blocks.push(block);
    previous = block;
  }
  return blocks;
}

/** `run-code:` markers apply to one block: beside `cont` or an expected output they mean nothing. */
function refuseOwnMarkers(page: string, markers: BlockMarker[], used: BlockMarker): void {
  const other = markers.find((m) => m !== used && m.family === 'run-code');
  if (other) {
    throw new MarkdownBlockError(
      page,
      other.line,
      `'${other.spelling}' stands before a block that '${used.spelling}' makes part of another, so it cannot apply`,
    );
  }
}

/** `cont`: the fence's code is appended to the last block, and reported as one with it. */
function joinBlock(page: string, cont: BlockMarker, fence: Fence, last: Entry | undefined): void {
  if (!last)
    throw new MarkdownBlockError(page, cont.line, `'${cont.spelling}' follows no code block`);
  const block = last.block;
  if (!block) return;
  if (block.doctest) {
    throw new MarkdownBlockError(
      page,
      cont.line,
      `'${cont.spelling}' cannot join a block to a >>> session`,
    );
  }
  block.code += fenceText(fence);
  block.pageLines.push(...fence.lines.map((_, i) => fence.line + 1 + i));
  block.unterminated ||= fence.unterminated;
}

function setExpected(
  page: string,
  marker: BlockMarker,
  fence: Fence,
  target: CodeBlock | undefined,
): void {
  if (marker.family === 'run-code' && fence.info !== '') {
    throw new MarkdownBlockError(
      page,
      marker.line,
      `'run-code: expected-output' must be followed by a plain fence (no language), not '${fence.info.slice(0, 40)}'`,
    );
  }
  if (!target)
    throw new MarkdownBlockError(page, marker.line, `'${marker.spelling}' follows no code block`);
  if (target.expectedOutput) {
    throw new MarkdownBlockError(
      page,
      marker.line,
      `the block at line ${target.line} already has its expected output (line ${target.expectedOutput.line})`,
    );
  }
  const compare = marker.compare ?? 'trimmed';
  // The action's own marker has always compared the lines; pytest-codeblocks the file's text.
  const text = compare === 'trimmed' ? fence.lines.join('\n') : fenceText(fence);
  target.expectedOutput = { text, line: fence.line, compare };
}

function newBlock(
  page: string,
  fence: Fence,
  markers: BlockMarker[],
  number: number,
): CodeBlock | undefined {
  const words = fence.info
    .replace(/^\{\.?|\}$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
  const first = (words[0] ?? '').toLowerCase();
  const pycon = first === 'pycon';
  const language = pycon ? 'python' : first ? canonicalLanguage(first) : undefined;
  const own = markers.find((m) => m.family === 'run-code');
  if (fence.info === '' && own) {
    // A marker before a plain fence would silently do nothing.
    throw new MarkdownBlockError(
      page,
      own.line,
      `'${own.spelling}' stands before a block with no language, which is never run`,
    );
  }
  if (!language) return undefined;
  const has = (kind: BlockMarker['kind']) => markers.some((m) => m.kind === kind);
  const expectError = markers.find((m) => m.kind === 'expect-error');
  const firstLine = fence.lines.find((l) => l.trim() !== '') ?? '';
  return {
    number,
    line: fence.line,
    language,
    info: fence.info,
    code: fenceText(fence),
    pageLines: fence.lines.map((_, i) => fence.line + 1 + i),
    skip: has('skip') || words.slice(1).some((w) => w.toLowerCase() === 'skip'),
    expectError: expectError !== undefined,
    ...(expectError && expectError.family !== 'run-code'
      ? { expectErrorMarker: expectError.spelling }
      : {}),
    conditions: markers
      .filter((m) => m.kind === 'skipif' || m.kind === 'importorskip')
      .map((m) => ({
        kind: m.kind as BlockCondition['kind'],
        argument: m.argument ?? '',
        line: m.line,
      })),
    doctest: language === 'python' && (pycon || firstLine.trimStart().startsWith('>>>')),
    unterminated: fence.unterminated,
  };
}
