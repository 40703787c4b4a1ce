// A clean interpreter for each page, notebook and script that follows another in the same
// session: the service has no call that restarts a kernel, so the names the earlier one left
// are removed from the interpreter instead (README, "What isolated means").
import type { AgentBayClient } from '../agentbay/client.ts';
import type { Language } from '../runs/language.ts';

/** The first line of every clearing call: a comment in Python and R, so a log of calls shows why. */
export const CLEAR_STATE_MARK = '# agentbay-run-code: a clean interpreter for the next file';

/**
 * The code that empties a language's top-level namespace, or undefined when the language
 * keeps no state the action can clear with code (JavaScript and Java: see the README).
 * IPython's own reset when the kernel is IPython (it also forgets `_`, `Out` and the
 * history's names); else every global the code could have made, which keeps the
 * interpreter's own dunder names and the stand-in's `display`.
 */
export function clearStateCode(language: Language): string | undefined {
  switch (language) {
    case 'python':
      return [
        CLEAR_STATE_MARK,
        'try:',
        '    get_ipython().reset(new_session=False)',
        'except NameError:',
        "    [globals().pop(_n) for _n in list(globals()) if _n not in ('__name__', '__builtins__', '__doc__', '__spec__', '__loader__', '__package__', 'display')]",
      ].join('\n');
    case 'r':
      return `${CLEAR_STATE_MARK}\nrm(list = ls(envir = globalenv(), all.names = TRUE), envir = globalenv())`;
    default:
      return undefined;
  }
}

/** Clears what earlier runs left in each of `languages`' interpreters; throws when it cannot. */
export async function clearInterpreterState(
  client: AgentBayClient,
  sessionId: string,
  languages: readonly Language[],
): Promise<void> {
  for (const language of languages) {
    const code = clearStateCode(language);
    if (code === undefined) continue;
    const answer = await client.runCode(sessionId, { code, language, timeoutS: 30 });
    if (!answer.result.success) {
      throw new Error(
        `the ${language} interpreter could not be cleared of the previous file's names: ${answer.result.error}`,
      );
    }
  }
}
