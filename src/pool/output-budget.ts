// What a batch keeps of its runs' output. A single run is bounded by the size of one answer;
// a batch holds every run's result until it reports, so each run is bounded like one and the
// batch as a whole too, or 200 runs of 100 MB would take 20 GB of the runner's memory and disk.
import type { CodeRunResult } from '../runs/result.ts';
import { shareBudget, truncateMiddle } from '../report/truncate.ts';

/** Characters of output one run of a batch keeps (what a long run keeps of each stream). */
export const MAX_RUN_OUTPUT_CHARS = 64 * 1024 * 1024;
/** Characters of output the whole batch keeps. */
export const MAX_BATCH_OUTPUT_CHARS = 256 * 1024 * 1024;

export class OutputBudget {
  private left: number;
  private readonly perRun: number;

  constructor(perRun = MAX_RUN_OUTPUT_CHARS, total = MAX_BATCH_OUTPUT_CHARS) {
    this.perRun = perRun;
    this.left = total;
  }

  /**
   * The result as the batch keeps it: whole when it fits what is left, else its texts cut in
   * the middle (saying so) and its rich results reduced to their text/plain.
   */
  take(result: CodeRunResult): { result: CodeRunResult; cut: boolean } {
    const allowance = Math.min(this.perRun, this.left);
    const distinctOutput = result.output !== result.stdout;
    const size =
      result.stdout.length +
      result.stderr.length +
      result.errorDetail.length +
      (distinctOutput ? result.output.length : 0) +
      result.results.reduce((n, item) => n + sizeOf(item.data), 0);
    if (size <= allowance) {
      this.left -= size;
      return { result, cut: false };
    }
    const plain = result.results.map((item) => ({
      isMain: item.isMain,
      data:
        typeof item.data['text/plain'] === 'string'
          ? { 'text/plain': item.data['text/plain'] }
          : {},
    }));
    const texts = [
      result.stdout,
      result.stderr,
      result.errorDetail,
      distinctOutput ? result.output : '',
      ...plain.map((item) => (item.data['text/plain'] as string | undefined) ?? ''),
    ];
    const shares = shareBudget(
      texts.map((t) => t.length),
      allowance,
    );
    const note = `a batch keeps at most ${MAX_RUN_OUTPUT_CHARS / 1024 / 1024} Mi characters of output per run and ${MAX_BATCH_OUTPUT_CHARS / 1024 / 1024} Mi in all`;
    const cut = texts.map((text, i) => truncateMiddle(text, shares[i] ?? 0, note).text);
    const [stdout = '', stderr = '', errorDetail = '', output = ''] = cut;
    plain.forEach((item, i) => {
      if ('text/plain' in item.data) item.data['text/plain'] = cut[4 + i];
    });
    this.left -= cut.reduce((n, t) => n + t.length, 0);
    return {
      result: {
        ...result,
        stdout,
        stderr,
        errorDetail,
        output: distinctOutput ? output : stdout,
        results: plain,
      },
      cut: true,
    };
  }
}

function sizeOf(data: Record<string, unknown>): number {
  let n = 0;
  for (const [key, value] of Object.entries(data)) {
    n += key.length;
    // Depth is bounded when the result is parsed (MAX_RESULT_DEPTH), so this cannot overflow.
    n += typeof value === 'string' ? value.length : (JSON.stringify(value) ?? '').length;
  }
  return n;
}
