// Files in the sandbox through the filesystem tools (addendum §3), each call kept under the
// gateway's per-call size limit by measuring the serialised Args in bytes.
import type { AgentBayClient } from './client.ts';
import { AgentBayError } from './errors.ts';

export const FILESYSTEM_SERVER = 'wuying_filesystem';
/** "MQTT limit: 63KB = 64512 bytes" for the whole message; the rest is the message's frame. */
export const MAX_ARGS_BYTES = 62_000;
/** The TS SDK's chunk (characters); kept when it fits, so plain text goes as the SDK sends it. */
const SDK_CHUNK_CHARS = 60 * 1024;
/** The TS SDK's read window for text (bytes). */
export const TEXT_READ_WINDOW = 60 * 1024;
/** Binary reads answer base64: 45 KiB of bytes is 60 KiB of text, the size the SDK reads. */
export const BINARY_READ_WINDOW = 45 * 1024;

export type WriteMode = 'overwrite' | 'append';

export interface FileInfo {
  size: number;
  isDirectory: boolean;
  /** Every `key: value` line, split at the first colon (the real key set is Unknown). */
  fields: Record<string, string>;
}

export class SandboxFiles {
  private readonly client: AgentBayClient;
  private readonly sessionId: string;
  /** How many tool calls this object made (for the transfer benchmark). */
  calls = 0;

  constructor(client: AgentBayClient, sessionId: string) {
    this.client = client;
    this.sessionId = sessionId;
  }

  /**
   * Writes text in as few calls as the size limit allows: the first with `mode`, the rest
   * appended. Chunks end on character boundaries; each call's Args stays under MAX_ARGS_BYTES.
   */
  async writeText(path: string, content: string, mode: WriteMode = 'overwrite'): Promise<number> {
    const chunks = splitForArgs(path, content, mode);
    for (const [index, chunk] of chunks.entries()) {
      await this.tool('write_file', {
        path,
        content: chunk,
        mode: index === 0 ? mode : 'append',
      });
    }
    return chunks.length;
  }

  async createDirectory(path: string): Promise<void> {
    await this.tool('create_directory', { path });
  }

  async getFileInfo(path: string): Promise<FileInfo> {
    return parseFileInfo(await this.tool('get_file_info', { path }));
  }

  /** The file's bytes, read in binary windows after get_file_info (the gateway flow). */
  async readBytes(path: string, maxBytes: number): Promise<Buffer> {
    const { size, isDirectory } = await this.getFileInfo(path);
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

  /** The file's text, read in the SDK's byte windows (for ASCII; prefer readBytes). */
  async readText(path: string): Promise<string> {
    const { size } = await this.getFileInfo(path);
    if (size === 0) return '';
    let text = '';
    for (let offset = 0; offset < size; offset += TEXT_READ_WINDOW) {
      const length = Math.min(TEXT_READ_WINDOW, size - offset);
      text += await this.tool('read_file', { path, offset, length });
    }
    return text;
  }

  async listDirectory(path: string): Promise<{ name: string; isDirectory: boolean }[]> {
    const text = await this.tool('list_directory', { path });
    return text
      .split('\n')
      .map((line) => /^\[(DIR|FILE)\] (.+)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ name: m[2]!, isDirectory: m[1] === 'DIR' }));
  }

  async readMultipleFiles(paths: string[]): Promise<string> {
    return this.tool('read_multiple_files', { paths });
  }

  async moveFile(source: string, destination: string): Promise<void> {
    await this.tool('move_file', { source, destination });
  }

  async searchFiles(
    path: string,
    pattern: string,
    excludePatterns: string[] = [],
  ): Promise<string[]> {
    const args: Record<string, unknown> = { path, pattern };
    if (excludePatterns.length > 0) args.excludePatterns = excludePatterns;
    const text = await this.tool('search_files', args);
    return text.split('\n').filter((line) => line.startsWith('/'));
  }

  async editFile(
    path: string,
    edits: { oldText: string; newText: string }[],
    dryRun = false,
  ): Promise<void> {
    await this.tool('edit_file', { path, edits, dryRun });
  }

  async deleteFile(path: string): Promise<void> {
    await this.tool('delete_file', { path });
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
export function splitForArgs(path: string, content: string, mode: string): string[] {
  if (content === '') return [''];
  const frame = writeArgsBytes(path, '', mode === 'overwrite' ? 'overwrite' : 'append');
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
  return { size, isDirectory: fields.isDirectory === 'true', fields };
}
