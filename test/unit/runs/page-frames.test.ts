import { describe, expect, it } from 'vitest';
import { tracebackOnPage } from '../../../src/runs/page-frames.ts';

describe('tracebackOnPage', () => {
  const onPage = (line: number) => [0, 3, 4, 9, 10][line] ?? -1;

  it("names the page and its line in each frame of the block's code", () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "<cell>", line 4, in <module>',
      '  File "<cell>", line 2, in half',
      'Cell In[7], line 3',
      'ZeroDivisionError: division by zero',
    ].join('\n');
    expect(tracebackOnPage(text, 'docs/p.md', 4, onPage)).toBe(
      [
        'Traceback (most recent call last):',
        '  File "docs/p.md", line 10, in <module>',
        '  File "docs/p.md", line 4, in half',
        'File "docs/p.md", line 9',
        'ZeroDivisionError: division by zero',
      ].join('\n'),
    );
  });

  it("leaves frames of other files and lines past the block's end", () => {
    const text = '  File "/usr/lib/python3/x.py", line 2\n  File "<cell>", line 99';
    expect(tracebackOnPage(text, 'p.md', 4, onPage)).toBe(text);
  });
});
