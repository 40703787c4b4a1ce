// `shard: K/N`: this job's share of a batch run over a matrix of N jobs. The split must come
// out the same in every job, on every machine, so it depends only on the files (their sorted
// paths and sizes): never on time, order of discovery or randomness.
import { InputError } from './input-error.ts';

/** The most jobs a matrix may split one batch over (GitHub's matrix holds at most 256 jobs). */
export const MAX_SHARDS = 256;

/** This job's share: shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** `K/N` with 1 ≤ K ≤ N ≤ 256, or undefined when the input is empty. */
export function parseShard(value: string): Shard | undefined {
  if (!value) return undefined;
  const match = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new InputError(
      'shard',
      `must be K/N, this job's shard K of N jobs, with 1 ≤ K ≤ N ≤ ${MAX_SHARDS} (e.g. \${{ matrix.shard }}/3); got '${value}'`,
    );
  }
  return { index, count };
}

/** How a shard is named in the log, the summary and `results`. */
export function shardLabel(shard: Shard): string {
  return `shard ${shard.index} of ${shard.count}`;
}

/** A file (a page or notebook counts whole) and how much work it is. */
export interface SizedFile {
  path: string;
  /** Bytes of code it holds. */
  size: number;
}

/**
 * The paths of shard `index`: the files, sorted by path, dealt largest first, each to the
 * lightest shard so far (ties to the lowest shard number; equal sizes in path order). Every
 * file lands in exactly one shard, and the heaviest shard is at most the lightest plus one file.
 */
export function shardFiles(files: readonly SizedFile[], shard: Shard): Set<string> {
  const unique = new Map<string, number>();
  for (const file of files) unique.set(file.path, (unique.get(file.path) ?? 0) + file.size);
  const sorted = [...unique.entries()]
    .map(([path, size]) => ({ path, size }))
    .sort((a, b) => compare(a.path, b.path));
  const order = sorted
    .map((file, position) => ({ ...file, position }))
    .sort((a, b) => b.size - a.size || a.position - b.position);
  const loads = new Array<number>(shard.count).fill(0);
  const mine = new Set<string>();
  for (const file of order) {
    let lightest = 0;
    for (let i = 1; i < loads.length; i++) if (loads[i]! < loads[lightest]!) lightest = i;
    loads[lightest]! += file.size;
    if (lightest === shard.index - 1) mine.add(file.path);
  }
  return mine;
}

/** Code-unit order, the same in every locale (localeCompare is not). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
