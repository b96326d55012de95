export interface WaitOptions {
  timeoutMs?: number;
  /** Pause between two checks (default 100 ms). */
  intervalMs?: number;
  /** A check that throws counts as "not yet" (a server still starting). */
  ignoreErrors?: boolean;
  /** Appended to the time-out's message (e.g. the output of the processes waited on). */
  context?: () => string;
}

/** Polls `check` until it returns a truthy value; past the time-out, throws naming `what`. */
export async function waitFor<T>(check: () => Promise<T> | T, what: string, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 15_000, intervalMs = 100, ignoreErrors = false, context } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = ignoreErrors ? await Promise.resolve().then(check).catch(() => null) : await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${context ? `\n${context()}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
