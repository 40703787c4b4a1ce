import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ResultItem } from '../runs/result.ts';
import { imageSize } from './image-size.ts';

/** One rich result written to disk. */
export interface RichFile {
  path: string;
  mimeType: string;
  /** 1-based position of the result among the run's results. */
  result: number;
  bytes: number;
  /** Images: their size in pixels, when the header says. */
  width?: number;
  height?: number;
}

/** Text the summary shows itself; everything else in a bundle becomes a file. */
const SHOWN_INLINE = new Set(['text/plain', 'text/markdown']);

const MAX_MIME_CHARS = 255;

/** Binary types that travel base64-encoded in a MIME bundle. */
export const BASE64_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'application/pdf']);

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/svg+xml': 'svg',
  'application/pdf': 'pdf',
  'text/html': 'html',
  'text/latex': 'tex',
  'application/json': 'json',
  'application/javascript': 'js',
};

/** Vega and Vega-Lite specs keep their kind in the name: `…vl5.json`, `…vg5.json`. */
const CHART = /^application\/vnd\.(vegalite|vega)\.v(\d+)\+json$/;

export function isChart(mimeType: string): boolean {
  return CHART.test(mimeType);
}

/** The folder for one run's rich results, beside its result file. */
export function richFilesDir(resultFile: string): string {
  return resultFile.replace(/\.json$/, '') + '-files';
}

/** A run's rich files are for people to look at: past these, the rest are skipped. */
export const MAX_RICH_FILES = 100;

/**
 * Writes every non-text representation of every result to `dir` under names of our own
 * making (nothing the sandbox chose reaches a path), and lists them. At most
 * MAX_RICH_FILES are written; the result file still holds every bundle.
 */
export function writeRichFiles(results: ResultItem[], dir: string): RichFile[] {
  const files: RichFile[] = [];
  const taken = new Set<string>();
  for (const [index, item] of results.entries()) {
    for (const [mimeType, content] of Object.entries(item.data)) {
      if (SHOWN_INLINE.has(mimeType) || content === null || content === undefined) continue;
      if (files.length >= MAX_RICH_FILES) return files;
      const bytes = encode(mimeType, content);
      const name = uniqueName(taken, `result-${index + 1}`, extensionFor(mimeType));
      const file = path.join(dir, name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, bytes);
      files.push({
        path: file,
        // A type name is at most 255 characters (RFC 6838); the sandbox may send megabytes.
        mimeType:
          mimeType.length > MAX_MIME_CHARS ? `${mimeType.slice(0, MAX_MIME_CHARS - 1)}…` : mimeType,
        result: index + 1,
        bytes: bytes.length,
        ...imageSize(mimeType, bytes),
      });
    }
  }
  return files;
}

function extensionFor(mimeType: string): string {
  const chart = CHART.exec(mimeType);
  if (chart) return `${chart[1] === 'vegalite' ? 'vl' : 'vg'}${chart[2]}.json`;
  if (EXTENSIONS[mimeType]) return EXTENSIONS[mimeType];
  // Unknown types still get a file: JSON when structured, text otherwise.
  if (/\+json$/.test(mimeType)) return 'json';
  return 'txt';
}

function encode(mimeType: string, content: unknown): Buffer {
  if (typeof content !== 'string') return Buffer.from(`${JSON.stringify(content, null, 2)}\n`);
  if (BASE64_TYPES.has(mimeType)) {
    // Jupyter wraps base64 in lines; some producers send a data: URI.
    return Buffer.from(content.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, ''), 'base64');
  }
  if (mimeType === 'application/json' || isChart(mimeType)) {
    // A spec sent as a JSON string is still a spec: keep it as is.
    return Buffer.from(content);
  }
  return Buffer.from(content, 'utf8');
}

/** Two representations of one result with the same extension (two JSON kinds) need two names. */
function uniqueName(taken: Set<string>, stem: string, ext: string): string {
  let name = `${stem}.${ext}`;
  for (let n = 2; taken.has(name); n++) name = `${stem}-${n}.${ext}`;
  taken.add(name);
  return name;
}
