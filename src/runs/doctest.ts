// A `>>>` session of a Markdown page run as Python's doctest runs it: the block goes to the
// sandbox inside a small driver that hands it to the standard `doctest` module (its parser,
// its runner, its inline directives such as `# doctest: +ELLIPSIS`) with the page's own
// namespace, so names flow between the page's blocks as they do for code, and prints one
// marked line of JSON: what each example printed against what it should have.
import type { CodeRunResult } from './result.ts';

/** One example that did not give what the session says, by its line on the page. */
export interface DoctestFailure {
  line: number;
  source: string;
  want: string;
  /** What it printed, or undefined when it raised. */
  got?: string;
  /** The traceback of an exception the session did not expect. */
  exception?: string;
}

const MARK = 'agentbay-run-code doctest ';
/** Failures the report spells out; the count says how many more there were. */
const SHOWN_FAILURES = 20;

/** The driver that runs `session` in the sandbox; `nonce` marks its one line of output. */
export function doctestDriver(session: string, name: string, nonce: string): string {
  return `def _agentbay_doctest(source, name, mark):
    import doctest, json, sys, traceback
    test = doctest.DocTestParser().get_doctest(source, {}, name, name, 0)
    # The page's namespace itself, not a copy: the session's names are the page's names.
    test.globs = globals()
    examples = []
    class Runner(doctest.DocTestRunner):
        def report_start(self, out, test, example):
            pass
        def report_success(self, out, test, example, got):
            examples.append({"line": example.lineno, "ok": True})
        def report_failure(self, out, test, example, got):
            examples.append({"line": example.lineno, "ok": False, "source": example.source,
                             "want": example.want, "got": got})
        def report_unexpected_exception(self, out, test, example, exc_info):
            examples.append({"line": example.lineno, "ok": False, "source": example.source,
                             "want": example.want,
                             "exception": "".join(traceback.format_exception(*exc_info))})
    Runner(verbose=False).run(test, out=lambda text: None, clear_globs=False)
    sys.stdout.write(mark + json.dumps(examples) + "\\n")
    sys.stdout.flush()
try:
    _agentbay_doctest(${JSON.stringify(session)}, ${JSON.stringify(name)}, ${JSON.stringify(MARK + nonce + ' ')})
finally:
    del _agentbay_doctest
`;
}

/**
 * The block's result from the driver's: its marked line taken out of the output and read; a
 * failing example fails the block, the report showing expected against got, and
 * `failureLine` is the page line of the first failing example. `firstLine` is the page line
 * of the block's first line.
 */
export function doctestResult(
  result: CodeRunResult,
  nonce: string,
  firstLine: number,
): { result: CodeRunResult; failureLine?: number } {
  if (!result.success) return { result };
  const prefix = MARK + nonce + ' ';
  const lines = result.stdout.split('\n');
  const at = lines.findLastIndex((l) => l.startsWith(prefix));
  if (at < 0) {
    const error = 'the doctest driver reported no result (its output was cut or lost)';
    return { result: { ...result, success: false, error } };
  }
  const marked = lines[at] as string;
  lines.splice(at, 1);
  const stdout = lines.join('\n');
  const output = result.output
    .split('\n')
    .filter((l) => l !== marked)
    .join('\n');
  const base = { ...result, stdout, output };
  const examples = parseExamples(marked.slice(prefix.length));
  if (!examples) {
    const error = 'the doctest driver reported a result the action cannot read';
    return { result: { ...base, success: false, error } };
  }
  if (examples.length === 0) {
    const error = 'the >>> session holds no example doctest can run';
    return { result: { ...base, success: false, error } };
  }
  const failures = examples
    .filter((e) => !e.ok)
    .map((e): DoctestFailure => ({
      line: firstLine + e.line,
      source: String(e.source ?? ''),
      want: String(e.want ?? ''),
      got: typeof e.got === 'string' ? e.got : undefined,
      exception: typeof e.exception === 'string' ? e.exception : undefined,
    }));
  const first = failures[0];
  if (!first) return { result: base };
  const error =
    failures.length === 1
      ? `doctest: the example at line ${first.line} ${first.got === undefined ? 'raised an exception the session does not show' : 'printed something other than the session shows'}`
      : `doctest: ${failures.length} of ${examples.length} examples failed, the first at line ${first.line}`;
  return {
    result: { ...base, success: false, error, errorDetail: describeFailures(failures) },
    failureLine: first.line,
  };
}

interface Example {
  line: number;
  ok: boolean;
  source?: string;
  want?: string;
  got?: string;
  exception?: string;
}

function parseExamples(text: string): Example[] | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (!Array.isArray(parsed)) return undefined;
    return parsed.filter(
      (e): e is Example =>
        typeof e === 'object' && e !== null && Number.isInteger((e as Example).line),
    );
  } catch {
    return undefined;
  }
}

/** Each failing example as doctest words it: the example, Expected, then Got or the exception. */
export function describeFailures(failures: readonly DoctestFailure[]): string {
  const shown = failures.slice(0, SHOWN_FAILURES).map((f) => {
    const parts = [`Line ${f.line}, failed example:`, indent(f.source), 'Expected:'];
    parts.push(f.want ? indent(f.want) : '    nothing');
    if (f.got !== undefined) parts.push('Got:', f.got ? indent(f.got) : '    nothing');
    else parts.push('Exception raised:', indent(f.exception ?? ''));
    return parts.join('\n');
  });
  const more = failures.length - shown.length;
  return [...shown, ...(more > 0 ? [`... and ${more} more failing examples`] : [])].join('\n\n');
}

function indent(text: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
