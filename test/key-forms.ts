// Finds a secret in text in any form a reader or a tool could turn back into it: raw,
// percent-encoded, JSON-escaped, HTML-entity-encoded, base64 or base64url (at any alignment,
// inside a longer encoded string). Written independently of src/text/secrets.ts on purpose: it
// decodes what it finds instead of encoding the secret, so a form the action forgets to
// redact still shows up here.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code =
        body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : +body.slice(1);
      return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body.toLowerCase()] ?? whole;
  });
}

function decodePercent(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

function decodeJsonEscapes(text: string): string {
  return text.replace(/\\u([0-9a-f]{4})|\\(["\\/])/gi, (_w, hex: string, char: string) =>
    hex ? String.fromCharCode(parseInt(hex, 16)) : char,
  );
}

/** Every run of base64(url) characters, decoded at each of the four character alignments. */
function base64Decodings(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(/[A-Za-z0-9+/_-]{12,}={0,2}/g) ?? []) {
    const normal = run.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
    for (let skip = 0; skip < 4; skip++) {
      const part = normal.slice(skip);
      // Node decodes a final partial group without padding.
      out.push(Buffer.from(part, 'base64').toString('latin1'));
    }
  }
  return out;
}

/** The name of the first form of `key` found in `text`, or '' when there is none. */
export function keyFormIn(text: string, key: string): string {
  if (text.includes(key)) return 'raw';
  if (decodeEntities(text).includes(key)) return 'html-entities';
  if (decodePercent(text).includes(key)) return 'percent-encoded';
  if (decodeJsonEscapes(text).includes(key)) return 'json-escaped';
  if (decodePercent(decodeEntities(text)).includes(key)) return 'entities+percent';
  // The decodings are bytes (latin1): look for the key's UTF-8 bytes.
  const keyBytes = Buffer.from(key, 'utf8').toString('latin1');
  if (base64Decodings(text).some((decoded) => decoded.includes(keyBytes))) return 'base64';
  return '';
}

/** Every file under `dir`, as [relative path, text]. */
export function filesUnder(dir: string): Array<[string, string]> {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return [path.relative(dir, file), readFileSync(file, 'utf8')];
    });
}
