// Files in the sandbox through the filesystem tools (addendum §3), each call kept under the
// gateway's per-call size limit by measuring the serialised Args in bytes. Only the tools the
// action uses: write_file for code and archives, get_file_info and read_file for downloads.
import type { ToolCaller } from './tool-caller.ts';
import { AgentBayError } from './errors.ts';

const FILESYSTEM_SERVER = 'wuying_filesystem';
/** "MQTT limit: 63KB = 64512 bytes" for the whole message; the rest is the message's frame. */
export const MAX_ARGS_BYTES = 62_000;
/** The TS SDK's chunk (characters); kept when it fits, so plain text goes as the SDK sends it. */
const SDK_CHUNK_CHARS = 60 * 1024;
/** Binary reads answer base64: 45 KiB of bytes is 60 KiB of text, the size the SDK reads. */
export const BINARY_READ_WINDOW = 45 * 1024;

export interface FileInfo {
  size: number;
  isDirectory: boolean;
}

export class SandboxFiles {
  private readonly client: ToolCaller;
  private readonly sessionId: string;
  /** How many tool calls this object made (for the transfer benchmark). */
  calls = 0;

  constructor(client: ToolCaller, sessionId: string) {
    this.client = client;
    this.sessionId = sessionId;
  }

  /**
   * Writes text in as few calls as the size limit allows: the first overwrites, the rest
   * append. Chunks end on character boundaries; each call's Args stays under MAX_ARGS_BYTES.
   */
  async writeText(path: string, content: string): Promise<number> {
    const chunks = splitForArgs(path, content);
    for (const [index, chunk] of chunks.entries()) {
      await this.tool('write_file', {
        path,
        content: chunk,
        mode: index === 0 ? 'overwrite' : 'append',
      });
    }
    return chunks.length;
  }

  /** The file's bytes, read in binary windows after get_file_info (the gateway flow). */
  async readBytes(path: string, maxBytes: number): Promise<Buffer> {
    const { size, isDirectory } = parseFileInfo(await this.tool('get_file_info', { path }));
    if (isDirectory) throw new Error(`${path} is a directory`);
    if (size > maxBytes) throw new Error(`${path} has ${size} bytes, more than ${maxBytes}`);
    const parts: Buffer[] = [];
    for (let offset = 0; offset < size; offset += BINARY_READ_WINDOW) {
      const length = Math.min(BINARY_READ_WINDOW, size - offset);
      const text = await this.tool('read_file', { path, offset, length, format: 'binary' });
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text.trim())) {
        throw new Error(`read_file answered something that is not base64 for ${path}`);
      }
      parts.push(Buffer.from(text.trim(), 'base64'));
    }
    const bytes = Buffer.concat(parts);
    if (bytes.length !== size) {
      throw new Error(`read ${bytes.length} bytes of ${path}, expected ${size}`);
    }
    return bytes;
  }

  private async tool(name: string, args: Record<string, unknown>): Promise<string> {
    this.calls++;
    const outcome = await this.client.callTool(this.sessionId, {
      name,
      server: FILESYSTEM_SERVER,
      args,
    });
    if (outcome.isError) {
      throw new AgentBayError(`${name} failed: ${outcome.text.slice(0, 500)}`, {
        kind: 'api',
        action: `CallMcpTool ${name}`,
        requestId: outcome.requestId || undefined,
      });
    }
    return outcome.text;
  }
}

/** Bytes of the write_file Args JSON for this chunk. */
export function writeArgsBytes(path: string, content: string, mode: string): number {
  return Buffer.byteLength(JSON.stringify({ path, content, mode }));
}

/**
 * Splits text so that each write_file call's Args JSON is at most MAX_ARGS_BYTES, preferring
 * the SDK's 60 Ki-character chunks when they fit. Never splits a surrogate pair.
 */
export function splitForArgs(path: string, content: string): string[] {
  if (content === '') return [''];
  // The first call's frame, the larger: 'overwrite' is longer than 'append'.
  const frame = writeArgsBytes(path, '', 'overwrite');
  const budget = MAX_ARGS_BYTES - frame;
  if (budget < 16) throw new Error(`path too long for one write_file call: ${path}`);
  const chunks: string[] = [];
  let start = 0;
  while (start < content.length) {
    let end = Math.min(content.length, start + SDK_CHUNK_CHARS);
    let size = escapedBytes(content, start, end);
    if (size > budget) {
      // Shrink by the ratio, then step to the exact boundary.
      end = start + Math.max(1, Math.floor(((end - start) * budget) / size));
      size = escapedBytes(content, start, end);
      while (size > budget && end > start + 1) {
        end = start + Math.max(1, Math.floor((end - start) * 0.9));
        size = escapedBytes(content, start, end);
      }
    }
    // A surrogate pair stays together.
    const last = content.charCodeAt(end - 1);
    if (end < content.length && last >= 0xd800 && last <= 0xdbff) end--;
    chunks.push(content.slice(start, end));
    start = end;
  }
  return chunks;
}

function escapedBytes(content: string, start: number, end: number): number {
  // JSON.stringify adds two quotes; what matters is the escaped body.
  return Buffer.byteLength(JSON.stringify(content.slice(start, end))) - 2;
}

export function parseFileInfo(text: string): FileInfo {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    fields[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  const size = Number(fields.size);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new Error('get_file_info answered no valid size');
  }
  return { size, isDirectory: fields.isDirectory === 'true' };
}
