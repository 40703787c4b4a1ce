import { createHash, randomBytes } from 'node:crypto';
import { stringify } from 'node:querystring';

/** The POP API version every AgentBay action is served under. */
const API_VERSION = '2025-05-06';

export interface RpcRequest {
  /** Path and query, e.g. `/?Action=CreateMcpSession&Format=json&…`. */
  path: string;
  headers: Record<string, string>;
  /** application/x-www-form-urlencoded body. */
  body: string;
}

export interface RpcCall {
  action: string;
  /** Body fields; `undefined` fields are left out, empty strings are sent (as the SDK does). */
  form: Record<string, string | number | boolean | undefined>;
  /** Extra query fields after the common ones (only GetSessionDetail uses this). */
  query?: Record<string, string>;
  userAgent: string;
  /**
   * The SDK's generated client sets the form fields in its own order: sorted for most actions,
   * not for CreateMcpSession since 0.21 (Timeout and MaxRuntime after ImageId, LoginRegionId
   * last), which then comes in the order given. Default sorted.
   */
  fieldOrder?: 'sorted' | 'given';
}

/** `YYYY-MM-DDTHH:mm:ssZ`, the POP timestamp format (no milliseconds). */
export function popTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A 64-character hex nonce, the same shape the SDK sends. */
function newNonce(): string {
  return createHash('sha256').update(randomBytes(32)).digest('hex');
}

/**
 * Builds one AgentBay RPC request exactly as the official SDK puts it on the wire:
 * the common query fields in the SDK's order, `x-acs-*` headers, and a form body encoded
 * with node:querystring (space as %20, like the SDK), its fields in the SDK's order.
 */
export function buildRpcRequest(
  call: RpcCall,
  now: Date = new Date(),
  nonce: string = newNonce(),
): RpcRequest {
  const query = stringify({
    Action: call.action,
    Format: 'json',
    Version: API_VERSION,
    Timestamp: popTimestamp(now),
    SignatureNonce: nonce,
    ...call.query,
  });
  const form: Record<string, string> = {};
  const keys = Object.keys(call.form);
  for (const key of call.fieldOrder === 'given' ? keys : keys.sort()) {
    const value = call.form[key];
    if (value !== undefined) form[key] = String(value);
  }
  return {
    path: `/?${query}`,
    headers: {
      'x-acs-version': API_VERSION,
      'x-acs-action': call.action,
      'user-agent': call.userAgent,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: stringify(form),
  };
}
