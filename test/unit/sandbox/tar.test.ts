import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createTarGz, readTarGz, safeRelative } from '../../../src/sandbox/tar.ts';

const limits = { maxBytes: 10_000_000, maxFiles: 100 };

/** A raw ustar entry, to build archives a hostile sandbox could send. */
function entry(name: string, type: string, body = Buffer.alloc(0), linkName = ''): Buffer {
  const head = Buffer.alloc(512);
  head.write(name, 0, 100);
  head.write('0000644\0', 100);
  head.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
  head.write(type, 156);
  head.write(linkName, 157, 100);
  head.write('ustar\0', 257);
  const padded = Buffer.alloc(Math.ceil(body.length / 512) * 512);
  body.copy(padded);
  return Buffer.concat([head, padded]);
}

describe('tar', () => {
  it('round-trips binary content and long, spaced, Unicode names', () => {
    const entries = [
      { path: 'a.txt', bytes: Buffer.from('hi') },
      { path: `${'deep/'.repeat(30)}ünï 漢字 file.bin`, bytes: Buffer.from([0, 255, 10, 13]) },
      { path: 'empty', bytes: Buffer.alloc(0) },
    ];
    const { files, skipped } = readTarGz(createTarGz(entries), limits);
    expect(skipped).toEqual([]);
    expect(files).toEqual(entries);
  });

  it('skips links, devices, absolute and escaping paths from a hostile archive', () => {
    const archive = gzipSync(
      Buffer.concat([
        entry('../../etc/cron.d/evil', '0', Buffer.from('x')),
        entry('/etc/passwd', '0', Buffer.from('x')),
        entry('link', '2', Buffer.alloc(0), '/etc/passwd'),
        entry('hard', '1', Buffer.alloc(0), 'ok.txt'),
        entry('dev', '3'),
        entry('a/./../../b', '0', Buffer.from('x')),
        entry('ok.txt', '0', Buffer.from('fine')),
        Buffer.alloc(1024),
      ]),
    );
    const { files, skipped } = readTarGz(archive, limits);
    expect(files).toEqual([{ path: 'ok.txt', bytes: Buffer.from('fine') }]);
    expect(skipped).toHaveLength(6);
  });

  it('refuses an archive that inflates past the limit (a gzip bomb)', () => {
    const bomb = createTarGz([{ path: 'zeros', bytes: Buffer.alloc(5_000_000) }]);
    expect(bomb.length).toBeLessThan(100_000);
    expect(() => readTarGz(bomb, { maxBytes: 1000, maxFiles: 10 })).toThrow();
  });

  it('keeps at most maxFiles files', () => {
    const many = createTarGz(
      Array.from({ length: 5 }, (_, i) => ({ path: `f${i}`, bytes: Buffer.from(String(i)) })),
    );
    const { files, skipped } = readTarGz(many, { maxBytes: 1000, maxFiles: 3 });
    expect(files.map((f) => f.path)).toEqual(['f0', 'f1', 'f2']);
    expect(skipped).toEqual(['f3', 'f4']);
  });

  it('safeRelative', () => {
    expect(safeRelative('./a/b')).toBe('a/b');
    expect(safeRelative('a//b/')).toBe('a/b');
    expect(safeRelative('a/../b')).toBeUndefined();
    expect(safeRelative('/a')).toBeUndefined();
    expect(safeRelative('.')).toBeUndefined();
    expect(safeRelative('a\\..\\b')).toBeUndefined();
  });
});
