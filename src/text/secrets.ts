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

/**
 * Every cut the action makes is marked with an ellipsis. A secret the cut went through leaves
 * its start before the mark and its end after it: fragments at least this long are redacted
 * there too (shorter ones would redact ordinary words next to every cut).
 */
export const MIN_CUT_FRAGMENT_CHARS = 4;
const CUT_MARK = '…';
/** Marks looked at from each end of a text: ours are few, and a text full of them stays cheap. */
const MAX_CUT_MARKS = 32;

export function makeRedactor(secrets: readonly string[]): Redactor {
  const forms = [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    // `includes` first: a 50 MB stdout without a secret is scanned, never copied.
    for (const form of forms) if (out.includes(form)) out = out.split(form).join('***');
    return out.includes(CUT_MARK) ? redactCutEdges(out, forms) : out;
  };
}

export function redactText(text: string, secrets: readonly string[]): string {
  return makeRedactor(secrets)(text);
}

/** The text with a secret's start just before, or its end just after, a cut mark redacted. */
function redactCutEdges(text: string, forms: readonly string[]): string {
  const marks: number[] = [];
  for (let at = text.indexOf(CUT_MARK); at !== -1; at = text.indexOf(CUT_MARK, at + 1)) {
    marks.push(at);
  }
  const looked =
    marks.length <= 2 * MAX_CUT_MARKS
      ? marks
      : [...marks.slice(0, MAX_CUT_MARKS), ...marks.slice(-MAX_CUT_MARKS)];
  // Right to left, so a replacement does not move the marks still to be looked at.
  let out = text;
  for (const mark of looked.reverse()) {
    const after = mark + CUT_MARK.length + (/\s/.test(out[mark + 1] ?? '') ? 1 : 0);
    const tail = longestEdge(forms, (part) => out.startsWith(part, after), 'suffix');
    if (tail > 0) out = `${out.slice(0, after)}***${out.slice(after + tail)}`;
    const before = mark - (/\s/.test(out[mark - 1] ?? '') ? 1 : 0);
    const head = longestEdge(forms, (part) => out.endsWith(part, before), 'prefix');
    if (head > 0) out = `${out.slice(0, before - head)}***${out.slice(before)}`;
  }
  return out;
}

/** Length of the longest proper prefix (or suffix) of a form that `present` finds, else 0. */
function longestEdge(
  forms: readonly string[],
  present: (part: string) => boolean,
  edge: 'prefix' | 'suffix',
): number {
  let best = 0;
  for (const form of forms) {
    for (let n = form.length - 1; n >= MIN_CUT_FRAGMENT_CHARS && n > best; n--) {
      const part = edge === 'prefix' ? form.slice(0, n) : form.slice(form.length - n);
      if (present(part)) best = n;
    }
  }
  return best;
}

/**
 * Redacts a text that arrives in pieces (a long run's output, poll by poll): a secret split
 * between two pieces is found whole. What could be the start of a secret is held back until
 * the next piece, or `end`, says what it is.
 */
export class StreamRedactor {
  private held = '';
  private readonly redact: Redactor;
  private readonly forms: readonly string[];

  constructor(secrets: readonly string[]) {
    this.redact = makeRedactor(secrets);
    this.forms = [...new Set(secrets.flatMap(secretForms))];
  }

  /** The part of everything pushed so far that is safe to show now, redacted. */
  push(piece: string): string {
    const text = this.redact(this.held + piece);
    const keep = longestHeldPrefix(text, this.forms);
    this.held = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  /** What was held back, redacted: nothing more is coming. */
  end(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }
}

/** Length of the longest end of `text` that is the start of a form (the whole of it aside). */
function longestHeldPrefix(text: string, forms: readonly string[]): number {
  let best = 0;
  for (const form of forms) {
    for (let n = Math.min(form.length - 1, text.length); n > best; n--) {
      if (text.endsWith(form.slice(0, n))) best = n;
    }
  }
  return best;
}
