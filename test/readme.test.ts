// The README is read in the raw file as much as rendered: its Inputs block and Outputs list
// are generated from action.yml (`npm run readme`), and no prose line is a wall of text.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchor, generateReadme } from '../scripts/readme-inputs.ts';
import { ROOT } from '../scripts/step-runner.ts';

const MAX_PROSE_LINE = 400;

/** Lines outside fenced code blocks, with their line numbers. */
function proseLines(markdown: string): Array<{ number: number; text: string }> {
  const lines: Array<{ number: number; text: string }> = [];
  let fence: string | undefined;
  for (const [index, text] of markdown.split('\n').entries()) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence === undefined && marker) fence = marker;
    else if (
      fence !== undefined &&
      marker &&
      marker[0] === fence[0] &&
      marker.length >= fence.length
    )
      fence = undefined;
    else if (fence === undefined) lines.push({ number: index + 1, text });
  }
  return lines;
}

describe('README.md', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it('has the Inputs block and Outputs list a fresh `npm run readme` generates from action.yml', async () => {
    const fresh = await generateReadme(ROOT);
    expect(readme, 'README.md is stale: run `npm run readme`').toBe(fresh);
  });

  it(`has no line over ${MAX_PROSE_LINE} characters outside code blocks`, () => {
    const long = proseLines(readme)
      .filter(({ text }) => text.length > MAX_PROSE_LINE)
      .map(({ number, text }) => `line ${number}: ${text.length} characters`);
    expect(long).toEqual([]);
  });

  it('the line check sees prose and skips code blocks, however they are fenced', () => {
    const long = 'x'.repeat(MAX_PROSE_LINE + 1);
    const text = ['a', '````markdown', '```', long, '```', '````', long, '~~~', long, '~~~'];
    expect(proseLines(text.join('\n')).map(({ number }) => number)).toEqual([1, 7]);
  });

  it("links to headings by GitHub's anchors", () => {
    expect(anchor('Runs longer than 60 seconds')).toBe('runs-longer-than-60-seconds');
    expect(anchor('What you see in the Actions UI')).toBe('what-you-see-in-the-actions-ui');
    expect(anchor('Running the source with `@github/local-action`')).toBe(
      'running-the-source-with-githublocal-action',
    );
  });
});
