/**
 * Calls `onCancel` once when the runner cancels the step (SIGINT first, SIGTERM 7.5 s
 * later, then a kill 2.5 s after that). Returns a function that stops watching.
 */
export function watchCancellation(onCancel: (signal: NodeJS.Signals) => Promise<void>): () => void {
  let fired = false;
  const handler = (signal: NodeJS.Signals) => {
    if (fired) return;
    fired = true;
    void onCancel(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
