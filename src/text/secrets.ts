import { escape as formEscape } from 'node:querystring';

/** Shorter secrets (and shorter encoded fragments) would redact ordinary text. */
export const MIN_SECRET_CHARS = 4;
const MIN_BASE64_CORE_CHARS = 8;

/**
 * Every form in which a secret can appear in text: as is; percent-encoded the way a form body
 * or a URL carries it (either hex case); JSON-escaped; entity-encoded the way the summary
 * escapes text; and base64 or base64url at any byte alignment (the part of the encoding that
 * depends only on the secret, so the secret is found inside a longer encoded string such as
 * `Bearer <key>`). The runner's masker knows only the first form.
 */
export function secretForms(secret: string): string[] {
  if (secret.length < MIN_SECRET_CHARS) return [];
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    formEscape(secret),
    lowerHex(encodeURIComponent(secret)),
    JSON.stringify(secret).slice(1, -1),
    secret.replace(/[^A-Za-z0-9]/g, (c) => `&#${c.charCodeAt(0)};`),
    secret.replace(/[^A-Za-z0-9]/g, (c) => `&#x${c.charCodeAt(0).toString(16)};`),
    secret
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;'),
  ]);
  const bytes = Buffer.from(secret, 'utf8');
  for (let offset = 0; offset < 3; offset++) {
    const core = base64Core(bytes, offset);
    if (core.length >= MIN_BASE64_CORE_CHARS) {
      forms.add(core);
      forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  // Longest first: a form that contains another is replaced whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * The base64 characters that encode only the secret's own bytes when it starts `offset` bytes
 * into a 3-byte group: the first group (shared with what precedes) and the last partial one
 * (shared with what follows) are left out.
 */
function base64Core(bytes: Buffer, offset: number): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
  const start = offset === 0 ? 0 : 4;
  const end = Math.floor((offset + bytes.length) / 3) * 4;
  return end > start ? encoded.slice(start, end) : '';
}

function lowerHex(text: string): string {
  return text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
}

/** Replaces every form of every secret with `***`. */
export type Redactor = (text: string) => string;

export function makeRedactor(secrets: readonly string[]): Redactor {
  const forms = [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    // `includes` first: a 50 MB stdout without a secret is scanned, never copied.
    for (const form of forms) if (out.includes(form)) out = out.split(form).join('***');
    return out;
  };
}

export function redactText(text: string, secrets: readonly string[]): string {
  return makeRedactor(secrets)(text);
}
