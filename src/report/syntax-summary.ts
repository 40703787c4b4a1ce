import type { SyntaxCheck } from '../syntax-check.ts';
import { describeLocation } from './error-location.ts';
import { codeBlock, inlineCode, inlineText } from './markdown.ts';
import type { ReportedCode } from './run-report.ts';
import { LANGUAGE_NAMES } from './verdict.ts';

/** Lines shown on each side of the failing one. */
const CONTEXT_LINES = 2;

/** The job summary when the code did not get past the syntax check: no session was used. */
export function renderSyntaxErrorSummary(
  code: ReportedCode,
  syntax: Extract<SyntaxCheck, { status: 'error' }>,
): string {
  const language = LANGUAGE_NAMES[code.language];
  const origin = code.source.kind === 'file' ? ` from ${inlineCode(code.source.path ?? '')}` : '';
  const where = syntax.location ? ` at ${describeLocation(syntax.location)}` : '';
  const parts = [
    `### ❌ ${language} code${origin} has a syntax error${where}: ${inlineText(syntax.message)}`,
    `Found on the runner by ${inlineCode(syntax.checker)} before any sandbox was created: the code did not run.`,
  ];
  if (syntax.location) parts.push(codeBlock(excerpt(code.code, syntax.location.line)));
  return `${parts.join('\n\n')}\n`;
}

/** The failing line with a little context, numbered, the failing one marked. */
function excerpt(code: string, line: number): string {
  const lines = code.split('\n');
  const first = Math.max(1, line - CONTEXT_LINES);
  const last = Math.min(lines.length, line + CONTEXT_LINES);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    out.push(`${n === line ? '>' : ' '} ${String(n).padStart(width)} | ${lines[n - 1] ?? ''}`);
  }
  return out.join('\n');
}
