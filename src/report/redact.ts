import type { CodeRunResult, ResultItem } from '../agentbay/run-code-result.ts';

/**
 * The result with every secret replaced by `***`, before any of it is written anywhere. The
 * runner masks secrets only where the raw text appears; escaped for Markdown, inside a file,
 * or in a pull-request comment, a secret would slip through.
 */
export function redactResult(result: CodeRunResult, secrets: string[]): CodeRunResult {
  const active = secrets.filter((s) => s.length >= 4);
  if (active.length === 0) return result;
  const clean = (text: string) => redactText(text, active);
  return {
    ...result,
    output: clean(result.output),
    stdout: clean(result.stdout),
    stderr: clean(result.stderr),
    error: clean(result.error),
    errorDetail: clean(result.errorDetail),
    results: result.results.map((item): ResultItem => ({
      ...item,
      data: redactValue(item.data, active) as ResultItem['data'],
    })),
  };
}

export function redactText(text: string, secrets: string[]): string {
  let out = text;
  secrets = secrets.filter((s) => s.length >= 4);
  // `includes` first: a 50 MB stdout without a secret is scanned, never copied.
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('***');
  return out;
}

function redactValue(value: unknown, secrets: string[]): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, secrets)]));
  }
  return value;
}
