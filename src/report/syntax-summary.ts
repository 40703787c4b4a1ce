import { describeLocation, type ErrorLocation } from '../runs/error-location.ts';
import { failingLine } from './failure-section.ts';
import { inlineCode, inlineText } from './markdown.ts';
import type { ReportedCode } from './run-report.ts';
import { LANGUAGE_NAMES } from './verdict.ts';

/** What the syntax check found (syntax/syntax-check.ts), as much as the summary shows. */
export interface FoundSyntaxError {
  message: string;
  location?: ErrorLocation;
  checker: string;
}

/**
 * The job summary when the code did not get past the syntax check: no session was used. Laid
 * out like a failed run's: the verdict, then the line among its numbered neighbours, linked
 * to the file at the commit when `sourceUrl` is given.
 */
export function renderSyntaxErrorSummary(
  code: ReportedCode,
  syntax: FoundSyntaxError,
  sourceUrl = '',
): string {
  const language = LANGUAGE_NAMES[code.language];
  const file = code.source.kind === 'file' ? code.source.path : undefined;
  const origin = file ? ` from ${inlineCode(file)}` : '';
  const location = syntax.location;
  const where = location ? ` at ${describeLocation(location)}` : '';
  const parts = [
    `### ❌ ${language} code${origin} has a syntax error${where}: ${inlineText(syntax.message)}`,
  ];
  const context = failingLine(code, location, sourceUrl);
  if (context) parts.push(context);
  parts.push(
    `<sub>Found on the runner by ${inlineCode(syntax.checker)} before any sandbox was created: the code did not run.</sub>`,
  );
  return `${parts.join('\n\n')}\n`;
}
