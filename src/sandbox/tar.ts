// A minimal tar (ustar + pax for long or non-ASCII names) for moving a tree of files as one
// archive. Reading is defensive: the archive comes from the sandbox, so only regular files with
// relative paths that stay inside the target are returned, and sizes are bounded.
import { gunzipSync, gzipSync } from 'node:zlib';

export interface TarEntry {
  /** Relative, '/'-separated. */
  path: string;
  bytes: Buffer;
}

const BLOCK = 512;

export function createTarGz(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const name = Buffer.from(entry.path, 'utf8');
    const ascii = /^[\x20-\x7e]*$/.test(entry.path);
    if (name.length > 100 || !ascii) {
      // A pax header carries the real name; the ustar name is a placeholder.
      const record = paxRecord('path', entry.path);
      blocks.push(header('PaxHeader', record.length, 'x'), pad(record));
    }
    blocks.push(
      header(ascii && name.length <= 100 ? entry.path : 'long-name', entry.bytes.length, '0'),
    );
    blocks.push(pad(entry.bytes));
  }
  blocks.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(blocks));
}

/** Files in the archive; anything else (links, devices, escaping paths) is skipped and counted. */
export function readTarGz(
  archive: Buffer,
  limits: { maxBytes: number; maxFiles: number },
): { files: TarEntry[]; skipped: string[] } {
  const data = gunzipSync(archive, { maxOutputLength: limits.maxBytes + 1024 * 1024 });
  const files: TarEntry[] = [];
  const skipped: string[] = [];
  let offset = 0;
  let paxPath: string | undefined;
  let longName: string | undefined;
  while (offset + BLOCK <= data.length) {
    const head = data.subarray(offset, offset + BLOCK);
    if (head.every((b) => b === 0)) break;
    const size = parseOctal(head.subarray(124, 136));
    const type = String.fromCharCode(head[156] || 48);
    const prefix = cString(head.subarray(345, 500));
    const baseName = cString(head.subarray(0, 100));
    const body = data.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      paxPath = parsePax(body).path ?? paxPath;
      continue;
    }
    if (type === 'L') {
      longName = cString(body);
      continue;
    }
    if (type === 'g') continue;
    const name = paxPath ?? longName ?? (prefix ? `${prefix}/${baseName}` : baseName);
    paxPath = undefined;
    longName = undefined;
    if (type === '5') continue; // directories come with their files
    const safe = safeRelative(name);
    if ((type !== '0' && type !== '\0' && type !== '7') || !safe) {
      skipped.push(name);
      continue;
    }
    if (files.length >= limits.maxFiles) {
      skipped.push(name);
      continue;
    }
    files.push({ path: safe, bytes: Buffer.from(body) });
  }
  return { files, skipped };
}

/** A relative path with no `..`, no absolute start and no empty name, or undefined. */
export function safeRelative(name: string): string | undefined {
  const parts = name
    .replace(/^\.\/+/, '')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (name.startsWith('/') || parts.length === 0 || parts.some((p) => p === '..')) return undefined;
  if (parts.some((p) => p.includes('\\') || p.includes('\0'))) return undefined;
  return parts.join('/');
}

function header(name: string, size: number, type: string): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  block.write('0000644\0', 100, 'ascii');
  block.write('0000000\0', 108, 'ascii');
  block.write('0000000\0', 116, 'ascii');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  block.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
    'ascii',
  );
  block.write('        ', 148, 'ascii');
  block.write(type, 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  const bodyBytes = Buffer.byteLength(body);
  let length = bodyBytes + 1;
  while (String(length).length + bodyBytes !== length) length = String(length).length + bodyBytes;
  return Buffer.from(`${length}${body}`, 'utf8');
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space === -1) break;
    const length = Number(body.subarray(at, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += length;
  }
  return out;
}

function pad(bytes: Buffer): Buffer {
  const rest = bytes.length % BLOCK;
  return rest === 0 ? bytes : Buffer.concat([bytes, Buffer.alloc(BLOCK - rest)]);
}

function parseOctal(field: Buffer): number {
  const text = cString(field).trim();
  const value = text ? parseInt(text, 8) : 0;
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

function cString(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}
