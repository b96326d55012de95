const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `5s,5m,30m` → [5000, 300000, 1800000] (the format AppConfig validates). */
export function parseRetrySchedule(text: string): number[] {
  return text.split(',').map((part) => {
    const match = /^\s*(\d+)\s*(ms|s|m|h)\s*$/.exec(part);
    if (!match) throw new Error(`durée invalide : ${part}`);
    return Number(match[1]) * UNIT_MS[match[2]];
  });
}

/**
 * After attempt number `attempt` (1-based) failed: when to try again, or null when that attempt
 * was the last allowed (`maxAttempts`) or the schedule is exhausted. Past the schedule's first
 * cycle (a replay that failed), no retry.
 */
export function nextRetryDelay(schedule: readonly number[], attempt: number, maxAttempts: number): number | null {
  if (attempt >= maxAttempts) return null;
  return schedule[attempt - 1] ?? null;
}

/** A delivery's job id: one per attempt, deterministic (BullMQ ignores a second add of the same id). */
export function webhookJobId(livraisonId: string, attempt: number): string {
  return `webhook-${livraisonId}-${attempt}`;
}
