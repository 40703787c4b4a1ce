import { isObject } from '../text/json.ts';

/**
 * The service's reason when `data` says the create or the tool did not happen at all: a
 * business failure inside an HTTP 200 (`Data.Success: false` with an `ErrMsg`, e.g. no
 * capacity, or a tool that is not available). Undefined for any other answer.
 */
export function refusalOf(data: unknown): string | undefined {
  if (!isObject(data) || data.Success !== false) return undefined;
  return typeof data.ErrMsg === 'string' && data.ErrMsg ? data.ErrMsg : 'unknown reason';
}
