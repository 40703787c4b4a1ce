/** Text cut to fit a budget, keeping its start and its end (where errors usually are). */
export interface Truncated {
  text: string;
  truncated: boolean;
}

export function truncateMiddle(text: string, maxChars: number, note: string): Truncated {
  if (text.length <= maxChars) return { text, truncated: false };
  let marker = `\n… [truncated: ${text.length - maxChars} of ${text.length} characters cut; ${note}] …\n`;
  // A budget too small for the whole marker gets a short one, or none.
  if (marker.length > maxChars / 2) marker = '…';
  if (marker.length > maxChars) return { text: safeSlice(text, 0, maxChars), truncated: true };
  const room = Math.max(0, maxChars - marker.length);
  const head = Math.ceil(room * 0.5);
  const tail = room - head;
  return {
    text: safeSlice(text, 0, head) + marker + (tail > 0 ? safeSlice(text, text.length - tail) : ''),
    truncated: true,
  };
}

/**
 * Shares `budgetChars` among several texts: small ones keep all they have, and what they
 * leave is split evenly among the larger ones.
 */
export function shareBudget(sizes: number[], budgetChars: number): number[] {
  const shares = new Array<number>(sizes.length).fill(0);
  const order = sizes.map((size, index) => ({ size, index })).sort((a, b) => a.size - b.size);
  let remaining = budgetChars;
  order.forEach(({ size, index }, position) => {
    const fair = Math.floor(remaining / (order.length - position));
    shares[index] = Math.min(size, fair);
    remaining -= shares[index] ?? 0;
  });
  return shares;
}

/** A slice that does not split a surrogate pair. */
export function safeSlice(text: string, start: number, end?: number): string {
  let from = start;
  let to = end ?? text.length;
  if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from++;
  if (to < text.length && isLowSurrogate(text.charCodeAt(to))) to--;
  return text.slice(from, to);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Characters of sandbox text the summary may hold in all. At up to 3 UTF-8 bytes a
 * character this keeps a step's summary well under GitHub's 1 MiB limit.
 */
export const SUMMARY_TEXT_BUDGET = 250_000;
/** GitHub drops a step summary over 1 MiB whole; this leaves room for other writers. */
export const SUMMARY_MAX_BYTES = 900 * 1024;

/**
 * The first rendering, at a shrinking budget of sandbox text, that fits GitHub's summary
 * limit; undefined when none does. Escaping can make text several times longer, so the size
 * is checked on what was written.
 */
export function fitSummary(render: (textBudget: number) => string): string | undefined {
  for (let budget = SUMMARY_TEXT_BUDGET; budget >= 1_000; budget = Math.floor(budget / 4)) {
    const markdown = render(budget);
    if (Buffer.byteLength(markdown) <= SUMMARY_MAX_BYTES) return markdown;
  }
  return undefined;
}
