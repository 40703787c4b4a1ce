import * as core from '@actions/core';
import type { Exchange } from '../agentbay/client.ts';
import { AgentBayError } from '../agentbay/errors.ts';
import { KNOWN_REGIONS } from '../text/region.ts';
import { InputError } from '../inputs/input-error.ts';
import { SetupFailed } from '../sandbox/setup-failed.ts';
import type { FailureCause, FailureReport } from '../report/failure-summary.ts';

/** One line per HTTP exchange in the debug log (ACTIONS_STEP_DEBUG), for support cases. */
export function debugExchange(exchange: Exchange): void {
  const status = exchange.httpStatus === undefined ? 'no answer' : `HTTP ${exchange.httpStatus}`;
  const id = exchange.requestId ? `, request id ${exchange.requestId}` : '';
  const error = exchange.error ? `: ${exchange.error}` : '';
  core.debug(`${exchange.action}: ${status} in ${exchange.durationMs} ms${id}${error}`);
}

/** A failure message for the step: what failed, the service's code and request id, and a hint. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof AgentBayError)) {
    // An input error can quote the input, and an input can be megabytes long.
    return clip(error instanceof Error ? error.message : String(error));
  }
  const hint = hintFor(error);
  return `AgentBay ${error.message}${hint ? `. ${hint}` : ''}`;
}

/** Failure messages become an output and an annotation: a headline, not a document. */
const MAX_FAILURE_CHARS = 2_000;

function clip(text: string): string {
  return text.length <= MAX_FAILURE_CHARS ? text : `${text.slice(0, MAX_FAILURE_CHARS - 1)}…`;
}

function hintFor(error: AgentBayError): string {
  const code = error.code ?? '';
  if (code === 'NOT_LOGIN') {
    return `Check api-key: the key may be wrong or expired, or it belongs to another region (keys are bound to a region and work only with its gateway); set region-id to the key's region (${KNOWN_REGIONS.join(', ')})`;
  }
  if (/NotFound$/.test(code) && error.action === 'CallMcpTool') {
    return 'The session was gone before the code could run (released by the service, or deleted elsewhere)';
  }
  if (/^Throttling|ServiceUnavailable/.test(code) || error.httpStatus === 429) {
    return 'The service is throttling or unavailable; try again later';
  }
  if (error.action === 'CreateMcpSession' && error.kind === 'api' && !error.httpStatus) {
    return "The service could not create a session; if this persists, check your plan's concurrent-session quota and image";
  }
  if (error.outcomeUnknown && error.action === 'CallMcpTool') {
    return 'The code may have run: it was not sent again, so that it never runs twice';
  }
  if (error.outcomeUnknown && error.action === 'CreateMcpSession') {
    return 'A session may have been created anyway; the post step finds it by its label and deletes it';
  }
  if (error.kind === 'transport' && error.notSent) {
    return "The gateway could not be reached; check region-id (or endpoint) and the runner's network";
  }
  if ((error.httpStatus ?? 0) >= 500) return 'The service had an internal error; try again later';
  return '';
}

/** What kind of failure stopped the step before the code gave a result. */
export function failureCause(error: unknown): FailureCause {
  if (error instanceof InputError) return 'input';
  if (error instanceof SetupFailed) return 'setup';
  if (!(error instanceof AgentBayError)) return 'service';
  const code = error.code ?? '';
  if (code === 'NOT_LOGIN') return 'auth';
  if (error.kind === 'transport' && error.notSent) return 'unreachable';
  if (error.outcomeUnknown) return 'uncertain';
  if (/NotFound$/.test(code) && error.action === 'CallMcpTool') return 'session-gone';
  if (
    /^Throttling|ServiceUnavailable|Quota|Limit/i.test(code) ||
    error.httpStatus === 429 ||
    (error.action === 'CreateMcpSession' && error.kind === 'api' && !error.httpStatus)
  ) {
    return 'capacity';
  }
  return 'service';
}

export function failureReport(error: unknown, sessionId = ''): FailureReport {
  const message = describeFailure(error);
  const detail =
    error instanceof AgentBayError
      ? `AgentBay ${error.message}`
      : error instanceof SetupFailed
        ? error.headline
        : message;
  const report: FailureReport = { cause: failureCause(error), message, detail };
  if (error instanceof SetupFailed) report.setupOutput = error.output;
  if (error instanceof InputError) report.input = error.input;
  if (error instanceof AgentBayError && error.requestId) report.requestId = error.requestId;
  if (sessionId) report.sessionId = sessionId;
  return report;
}
