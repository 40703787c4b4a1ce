// pytest-codeblocks' skipif and importorskip, evaluated where the block runs: one Python call
// before the block, in a namespace of its own (pytest evaluates a skipif at collection, with
// `sys`, `os` and `platform` at hand, not in the page's namespace), that prints one marked
// line: why the block is skipped, or nothing.
import type { CodeRunResult } from '../runs/result.ts';
import type { BlockCondition } from '../runs/markdown-blocks.ts';

const MARK = 'agentbay-run-code condition ';

/** The call that evaluates `conditions` in order and prints the first reason to skip, if any. */
export function conditionCode(conditions: readonly BlockCondition[], nonce: string): string {
  const list = conditions.map((c) => [c.kind, c.argument, c.line]);
  return `def _agentbay_conditions(conditions, mark):
    import json, os, platform, re, subprocess, sys
    from pathlib import Path
    def skipif(*conditions, reason=None):
        for condition in conditions:
            # pytest evaluates a string condition with os, sys and platform at hand.
            if isinstance(condition, str):
                condition = eval(condition, {"os": os, "sys": sys, "platform": platform})
            if condition:
                return True
        return False
    namespace = {"os": os, "sys": sys, "platform": platform, "re": re,
                 "subprocess": subprocess, "Path": Path, "_agentbay_skipif": skipif}
    reason = ""
    for kind, text, line in conditions:
        if kind == "skipif":
            if eval("_agentbay_skipif(" + text + "\\n)", namespace):
                reason = "skipif(%s) at line %d is true" % (text, line)
                break
        else:
            try:
                __import__(text)
            except ImportError as error:
                reason = "importorskip(%s) at line %d: %s" % (text, line, error)
                break
    sys.stdout.write(mark + json.dumps(reason) + "\\n")
    sys.stdout.flush()
try:
    _agentbay_conditions(${JSON.stringify(list)}, ${JSON.stringify(MARK + nonce + ' ')})
finally:
    del _agentbay_conditions
`;
}

/**
 * What the call found: a reason to skip the block, '' to run it, or the error that kept a
 * condition from being evaluated (the block fails with it, as pytest fails to collect it).
 */
export function conditionVerdict(
  result: CodeRunResult,
  nonce: string,
): { skip: string } | { error: CodeRunResult } {
  const prefix = MARK + nonce + ' ';
  const line = result.success
    ? result.stdout.split('\n').findLast((l) => l.startsWith(prefix))
    : undefined;
  if (line !== undefined) {
    try {
      const reason = JSON.parse(line.slice(prefix.length)) as unknown;
      if (typeof reason === 'string') return { skip: reason };
    } catch {
      // Read as no answer below.
    }
  }
  return {
    error: {
      ...result,
      success: false,
      error: `the block's skip condition could not be evaluated: ${result.success ? 'no answer from the sandbox' : result.error}`,
    },
  };
}
