// The POP response envelope: every action answers with one of these two shapes.

/** What an action produces; http.ts adds RequestId and serialises it. */
export interface ApiResponse {
  status: number;
  body: Record<string, unknown>;
}

/** Thrown by action handlers; turned into an HTTP error response. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export function ok(extra: Record<string, unknown> = {}): ApiResponse {
  return {
    status: 200,
    body: { Success: true, Code: 'ok', Message: '', HttpStatusCode: 200, ...extra },
  };
}

export function errorResponse(status: number, code: string, message: string): ApiResponse {
  return {
    status,
    body: { Success: false, Code: code, Message: message, HttpStatusCode: status },
  };
}

export function sessionNotFound(): ApiError {
  return new ApiError('InvalidMcpSession.NotFound', 'Resource [McpSession] is not found.');
}
