/** What went wrong on one AgentBay call, in a form callers can branch on. */
export type AgentBayErrorKind =
  /** The service answered with an error (HTTP 4xx/5xx, `Success: false`, `Data.Success: false`). */
  | 'api'
  /** No usable answer: connection refused or reset, DNS failure, timeout, unreadable body. */
  | 'transport';

export interface AgentBayErrorDetails {
  kind: AgentBayErrorKind;
  action: string;
  code?: string;
  httpStatus?: number;
  requestId?: string;
  /** The gateway host the call went to: a key works only with its own region's gateway. */
  host?: string;
  /** How many times the call was sent (1 when it was not retried). */
  attempts?: number;
  /** True when the request provably never reached the server, so resending it is safe. */
  notSent?: boolean;
  /** True when the server may have acted although no answer arrived (timeout, reset). */
  outcomeUnknown?: boolean;
}

export class AgentBayError extends Error {
  readonly kind: AgentBayErrorKind;
  readonly action: string;
  readonly code: string | undefined;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  readonly host: string | undefined;
  attempts: number;
  readonly notSent: boolean;
  readonly outcomeUnknown: boolean;
  /** The bare message, without the code/status/request id decoration of `message`. */
  readonly detail: string;

  constructor(detail: string, details: AgentBayErrorDetails) {
    super(detail);
    this.name = 'AgentBayError';
    this.detail = detail;
    this.kind = details.kind;
    this.action = details.action;
    this.code = details.code;
    this.httpStatus = details.httpStatus;
    this.requestId = details.requestId;
    this.host = details.host;
    this.attempts = details.attempts ?? 1;
    this.notSent = details.notSent ?? false;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
    this.message = this.describe();
  }

  /** Sets the attempt count once retries are over, keeping `message` in step. */
  withAttempts(attempts: number): this {
    this.attempts = attempts;
    this.message = this.describe();
    return this;
  }

  private describe(): string {
    const facts = [
      this.code && `code ${this.code}`,
      this.httpStatus !== undefined && `HTTP ${this.httpStatus}`,
      this.host && `host ${this.host}`,
      this.requestId && `request id ${this.requestId}`,
      `after ${this.attempts} attempt${this.attempts === 1 ? '' : 's'}`,
    ].filter(Boolean);
    const tail = facts.length > 0 ? ` (${facts.join(', ')})` : '';
    return `${this.action} failed: ${this.detail}${tail}`;
  }
}

/** The error says the session no longer exists, so deleting it again is pointless. */
export function isSessionGone(error: unknown): boolean {
  if (!(error instanceof AgentBayError) || error.kind !== 'api') return false;
  // The protocol names InvalidMcpSession.NotFound. Other session codes may be spelled
  // differently, but an unknown *action* (InvalidAction.NotFound) or a proxy's bare
  // "Not Found" must not pass for a deleted session.
  const code = error.code ?? '';
  if (/^Invalid\w*Session\w*\.NotFound$/i.test(code)) return true;
  return !code && /session\b.*\bnot ?found|not ?found.*\bsession/i.test(error.detail);
}
