import type { ActionInputs } from '../inputs.ts';
import type { SyntaxCheck } from '../syntax-check.ts';
import { describeLocation } from './annotations.ts';
import { codeBlock, inlineCode, inlineText } from './markdown.ts';
import { LANGUAGE_NAMES } from './summary.ts';

/** Lines shown on each side of the failing one. */
const CONTEXT_LINES = 2;

/** The job summary when the code did not get past the syntax check: no session was used. */
export function renderSyntaxErrorSummary(
  inputs: ActionInputs,
  syntax: Extract<SyntaxCheck, { status: 'error' }>,
): string {
  const language = LANGUAGE_NAMES[inputs.language];
  const origin =
    inputs.source.kind === 'file' ? ` from ${inlineCode(inputs.source.path ?? '')}` : '';
  const where = syntax.location ? ` at ${describeLocation(syntax.location)}` : '';
  const parts = [
    `### ❌ ${language} code${origin} has a syntax error${where}: ${inlineText(syntax.message)}`,
    `Found on the runner by ${inlineCode(syntax.checker)} before any sandbox was created: the code did not run.`,
  ];
  if (syntax.location) parts.push(codeBlock(excerpt(inputs.code, syntax.location.line)));
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
