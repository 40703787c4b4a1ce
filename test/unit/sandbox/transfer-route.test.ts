// Issue 20, item 16: the route boundary, exactly, both ways.
import { describe, expect, it } from 'vitest';
import { BINARY_READ_WINDOW, MAX_ARGS_BYTES } from '../../../src/agentbay/sandbox-files.ts';
import {
  READ_ROUTE_MAX_CALLS,
  WRITE_ROUTE_MAX_CALLS,
  downloadRouteFor,
  uploadRouteFor,
} from '../../../src/sandbox/transfer.ts';

describe('transfer route', () => {
  it('uploads through write_file up to exactly its call limit, and no further', () => {
    // base64 of 3n bytes is 4n characters; each write_file call carries MAX_ARGS_BYTES - 200.
    const fullCalls = (WRITE_ROUTE_MAX_CALLS * (MAX_ARGS_BYTES - 200) * 3) / 4;
    expect(Number.isInteger(fullCalls)).toBe(true);
    expect(uploadRouteFor(fullCalls)).toBe('write_file');
    expect(uploadRouteFor(fullCalls + 1)).toBe('file_transfer');
  });

  it('downloads through write_file up to exactly its call limit, and no further', () => {
    const fullCalls = READ_ROUTE_MAX_CALLS * BINARY_READ_WINDOW;
    expect(downloadRouteFor(fullCalls)).toBe('write_file');
    expect(downloadRouteFor(fullCalls + 1)).toBe('file_transfer');
  });
});
