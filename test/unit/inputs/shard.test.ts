import { describe, expect, it } from 'vitest';
import { parseShard, shardFiles, shardLabel, type SizedFile } from '../../../src/inputs/shard.ts';

describe('parseShard', () => {
  it('reads K/N, with spaces around the parts', () => {
    expect(parseShard('')).toBeUndefined();
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    expect(parseShard(' 2 / 3 ')).toEqual({ index: 2, count: 3 });
    expect(parseShard('256/256')).toEqual({ index: 256, count: 256 });
    expect(shardLabel({ index: 2, count: 3 })).toBe('shard 2 of 3');
  });

  it.each([
    '0/1',
    '2/1',
    '1/0',
    '1/257',
    '3',
    '1/2/3',
    'a/2',
    '1.5/2',
    '-1/2',
    '1/ 2x',
    '99999/99999',
  ])("refuses '%s', naming the input and what it accepts", (value) => {
    expect(() => parseShard(value)).toThrow(
      `Input 'shard' must be K/N, this job's shard K of N jobs, with 1 ≤ K ≤ N ≤ 256`,
    );
  });
});

/** Every shard's files, for a split into `count`. */
function split(files: SizedFile[], count: number): string[][] {
  return Array.from({ length: count }, (_, i) =>
    [...shardFiles(files, { index: i + 1, count })].sort(),
  );
}

describe('shardFiles', () => {
  const files: SizedFile[] = [
    { path: 'b.py', size: 10 },
    { path: 'big.py', size: 100 },
    { path: 'a.py', size: 10 },
    { path: 'c.md', size: 30 },
    { path: 'd.ipynb', size: 60 },
  ];

  it('deals the largest first into the lightest shard, ties to the lower shard and path', () => {
    // 100 / 60+30+10, then b.py ties at 100 each and goes to the lower shard.
    expect(split(files, 2)).toEqual([
      ['b.py', 'big.py'],
      ['a.py', 'c.md', 'd.ipynb'],
    ]);
    expect(split(files, 3)).toEqual([['big.py'], ['d.ipynb'], ['a.py', 'b.py', 'c.md']]);
  });

  it('puts every file in exactly one shard, for any number of shards', () => {
    const many = Array.from({ length: 97 }, (_, i) => ({
      path: `f${i}.py`,
      size: (i * 7919) % 1000,
    }));
    for (const count of [1, 2, 3, 5, 16, 97, 256]) {
      const all = split(many, count).flat();
      expect(all.sort()).toEqual(many.map((f) => f.path).sort());
    }
  });

  it('keeps the heaviest shard within one file of the lightest', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      path: `f${i}`,
      size: 1 + ((i * 37) % 90),
    }));
    const size = new Map(many.map((f) => [f.path, f.size]));
    const loads = split(many, 4).map((s) => s.reduce((sum, p) => sum + size.get(p)!, 0));
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(90);
  });

  it('depends only on the files, not on the order they come in', () => {
    const reversed = [...files].reverse();
    expect(split(reversed, 3)).toEqual(split(files, 3));
  });

  it('leaves the shards past the files empty', () => {
    expect(split(files.slice(0, 2), 4)).toEqual([['big.py'], ['b.py'], [], []]);
  });

  it('counts a file listed twice once, with its sizes together', () => {
    const twice = [
      { path: 'p.md', size: 5 },
      { path: 'q.py', size: 8 },
      { path: 'p.md', size: 5 },
    ];
    expect(split(twice, 2)).toEqual([['p.md'], ['q.py']]);
  });
});
