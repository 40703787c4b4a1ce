// The `markdown` input: every runnable block of the pages it names, a page's blocks one group
// (one session, in order). A page that cannot be read fails on its own when there are others.
import { readFileSync } from 'node:fs';
import { extractCodeBlocks, MarkdownBlockError } from '../runs/markdown-blocks.ts';
import type { PlannedRun } from '../runs/planned-run.ts';
import { checkCodeText } from './code-text.ts';
import { readEach } from './file-problems.ts';
import { InputError } from './input-error.ts';
import { expandWorkspaceFiles, type WorkspaceFile } from './workspace-files.ts';

/** A Markdown page is read whole to find its blocks; bounded like the code it holds. */
export const MAX_MARKDOWN_BYTES = 2 * 1024 * 1024;

/** Every runnable block of the pages the `markdown` lines name, at most `maxRuns` of them. */
export function readMarkdownBlocks(
  lines: string[],
  workspace: string,
  maxRuns: number,
): PlannedRun[] {
  const pages = expandWorkspaceFiles('markdown', lines, workspace, { maxFiles: maxRuns });
  const runs: PlannedRun[] = [];
  let skippedPages = 0;
  for (const page of readEach('markdown', pages, readPage, () => 'python')) {
    if ('problem' in page) {
      runs.push(page.problem);
      continue;
    }
    runs.push(...page.value.runs);
    if (page.value.skipped) skippedPages++;
  }
  if (runs.length === 0 && skippedPages === 0) {
    throw new InputError(
      'markdown',
      `names pages with no code block in a language the sandbox runs (python, javascript, r, java): ${pages.map((p) => p.path).join(', ')}`,
    );
  }
  if (runs.length > maxRuns) {
    throw new InputError(
      'markdown',
      `holds ${runs.length} code blocks, at most ${maxRuns} in one step; split it into several steps`,
    );
  }
  return runs;
}

/** One page's blocks as runs; `skipped` when pytest-codeblocks' skipfile leaves it out. */
function readPage(page: WorkspaceFile): { runs: PlannedRun[]; skipped: boolean } {
  if (page.size > MAX_MARKDOWN_BYTES) {
    throw new InputError(
      'markdown',
      `must name pages of at most ${MAX_MARKDOWN_BYTES} bytes; '${page.path}' has ${page.size}`,
    );
  }
  const bytes = readFileSync(page.realPath);
  checkCodeText('markdown', bytes, page.path);
  const text = bytes.toString('utf8');
  let blocks;
  try {
    blocks = extractCodeBlocks(page.path, text);
  } catch (error) {
    if (error instanceof MarkdownBlockError)
      throw new InputError('markdown', `has a bad marker: ${error.message}`, error.line);
    throw error;
  }
  const runs = blocks.map((block): PlannedRun => ({
    source: { kind: 'file', path: page.path, fenceLine: block.line },
    language: block.language,
    code: block.code,
    group: page.path,
    skip: block.skip,
    expectError: block.expectError,
    expectedOutput: block.expectedOutput,
    pageLines: block.pageLines,
    ...(block.expectErrorMarker ? { expectErrorMarker: block.expectErrorMarker } : {}),
    ...(block.conditions.length > 0 ? { conditions: block.conditions } : {}),
    ...(block.doctest ? { doctest: true } : {}),
  }));
  const first = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/, 1)[0] ?? '';
  return { runs, skipped: first.trim() === '<!--pytest-codeblocks:skipfile-->' };
}
