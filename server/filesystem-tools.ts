// The filesystem MCP tools of the addendum's table (§3.1), on the session's directories.
// Texts follow what the SDKs parse; errors use the real service's wording.
import {
  appendFile,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { hostPath, sandboxPath } from './sandbox-paths.ts';
import type { Session } from './sessions.ts';
import type { ToolAnswer } from './shell-tool.ts';
import { optionalInteger, requireString, ToolFailure } from './tool-errors.ts';

export const FILESYSTEM_SERVER = 'wuying_filesystem';

type FsTool = (session: Session, args: Record<string, unknown>) => Promise<string>;

const WRITE_MODES = ['overwrite', 'append', 'create_new'];
/** Cap on one search's matches, so a huge tree cannot produce an unbounded answer. */
const MAX_SEARCH_RESULTS = 10_000;

export const FILESYSTEM_TOOLS: Record<string, FsTool> = {
  async write_file(session, args) {
    const path = requireString(args, 'path');
    const content = requireString(args, 'content');
    const mode = args.mode === undefined ? 'overwrite' : requireString(args, 'mode');
    if (!WRITE_MODES.includes(mode)) {
      throw new ToolFailure(`Invalid arguments: mode must be one of ${WRITE_MODES.join(', ')}`);
    }
    const file = hostPath(session.dirs, path);
    await mkdir(dirname(file), { recursive: true });
    if (mode === 'append') await appendFile(file, content);
    else if (mode === 'create_new') {
      await writeFile(file, content, { flag: 'wx' }).catch(() => {
        throw new ToolFailure(`File already exists: ${path}`);
      });
    } else await writeFile(file, content);
    return `Successfully wrote to ${path}`;
  },

  async read_file(session, args) {
    const path = requireString(args, 'path');
    const offset = optionalInteger(args, 'offset', 0) ?? 0;
    const length = optionalInteger(args, 'length', 0) ?? 0;
    const binary = args.format === 'binary';
    const file = await requireFile(session, path);
    const handle = await open(file, 'r');
    try {
      const size = (await handle.stat()).size;
      const wanted =
        length === 0 ? Math.max(0, size - offset) : Math.min(length, Math.max(0, size - offset));
      const buffer = Buffer.alloc(wanted);
      const { bytesRead } = await handle.read(buffer, 0, wanted, offset);
      const bytes = buffer.subarray(0, bytesRead);
      return binary ? bytes.toString('base64') : bytes.toString('utf8');
    } finally {
      await handle.close();
    }
  },

  async get_file_info(session, args) {
    const path = requireString(args, 'path');
    const file = hostPath(session.dirs, path);
    const info = await statOrFail(file, path);
    return [
      `name: ${basename(path)}`,
      `path: ${path}`,
      `size: ${info.size}`,
      `isDirectory: ${info.isDirectory()}`,
      `modTime: ${info.mtime.toISOString()}`,
      `mode: ${(info.mode & 0o7777).toString(8).padStart(4, '0')}`,
    ].join('\n');
  },

  async create_directory(session, args) {
    const path = requireString(args, 'path');
    await mkdir(hostPath(session.dirs, path), { recursive: true });
    return `Successfully created directory ${path}`;
  },

  async list_directory(session, args) {
    const path = requireString(args, 'path');
    const dir = hostPath(session.dirs, path);
    const info = await statOrFail(dir, path);
    if (!info.isDirectory()) throw new ToolFailure(`Not a directory: ${path}`);
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => `${e.isDirectory() ? '[DIR]' : '[FILE]'} ${e.name}`)
      .join('\n');
  },

  async read_multiple_files(session, args) {
    const paths = args.paths;
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string')) {
      throw new ToolFailure('Invalid arguments: paths must be an array of strings');
    }
    const blocks: string[] = [];
    for (const path of paths as string[]) {
      const file = await requireFile(session, path);
      blocks.push(`${path}: ${await readFile(file, 'utf8')}`);
    }
    return `${blocks.join('\n---\n')}\n`;
  },

  async move_file(session, args) {
    const source = requireString(args, 'source');
    const destination = requireString(args, 'destination');
    const from = hostPath(session.dirs, source);
    await statOrFail(from, source);
    const to = hostPath(session.dirs, destination);
    await mkdir(dirname(to), { recursive: true });
    await rename(from, to);
    return `Successfully moved ${source} to ${destination}`;
  },

  async search_files(session, args) {
    const path = requireString(args, 'path');
    const pattern = requireString(args, 'pattern');
    // The SDKs disagree (array, comma string, snake case; addendum §3.1 and §8): take all three.
    const rawExcludes = args.excludePatterns ?? args.exclude_patterns ?? [];
    const excludes = (
      typeof rawExcludes === 'string' ? rawExcludes.split(',') : (rawExcludes as unknown[])
    )
      .filter((p): p is string => typeof p === 'string' && p !== '')
      .map(globToRegExp);
    const root = hostPath(session.dirs, path);
    await statOrFail(root, path);
    const matcher = globToRegExp(pattern);
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (found.length >= MAX_SEARCH_RESULTS) return;
        const full = join(dir, entry.name);
        const rel = relative(root, full);
        if (excludes.some((re) => re.test(entry.name) || re.test(rel))) continue;
        if (matcher.test(entry.name)) found.push(sandboxPath(session.dirs, full));
        if (entry.isDirectory()) await walk(full);
      }
    };
    await walk(root);
    return found.length ? found.join('\n') : 'No matches found';
  },

  async edit_file(session, args) {
    const path = requireString(args, 'path');
    const edits = args.edits;
    const dryRun = args.dryRun === true || args.dry_run === true;
    if (!Array.isArray(edits)) throw new ToolFailure('Invalid arguments: edits must be an array');
    const file = await requireFile(session, path);
    let text = await readFile(file, 'utf8');
    for (const edit of edits as Record<string, unknown>[]) {
      const oldText = requireString(edit ?? {}, 'oldText');
      const newText = requireString(edit ?? {}, 'newText');
      const at = text.indexOf(oldText);
      if (at === -1) throw new ToolFailure(`Could not find text to replace: ${oldText}`);
      // Only the first match, as the docs say.
      text = text.slice(0, at) + newText + text.slice(at + oldText.length);
    }
    if (!dryRun) await writeFile(file, text);
    return dryRun ? text : `Successfully edited ${path}`;
  },

  async delete_file(session, args) {
    const path = requireString(args, 'path');
    const file = hostPath(session.dirs, path);
    await statOrFail(file, path);
    await rm(file, { recursive: true, force: true });
    return `Successfully deleted ${path}`;
  },
};

async function statOrFail(file: string, path: string): Promise<Stats> {
  try {
    return await stat(file);
  } catch {
    throw new ToolFailure(`Failed to get file status: ${path}, error: No such file or directory`);
  }
}

async function requireFile(session: Session, path: string): Promise<string> {
  const file = hostPath(session.dirs, path);
  const info = await stat(file).catch(() => undefined);
  if (!info || info.isDirectory())
    throw new ToolFailure(`Path does not exist or is a directory: ${path}`);
  return file;
}

/** `*`, `?` wildcards, case-sensitive (the docs' search rules). */
function globToRegExp(glob: string): RegExp {
  const source = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

export async function callFilesystemTool(
  name: string,
  session: Session,
  args: Record<string, unknown>,
): Promise<ToolAnswer> {
  const tool = FILESYSTEM_TOOLS[name]!;
  return { text: await tool(session, args), isError: false };
}
