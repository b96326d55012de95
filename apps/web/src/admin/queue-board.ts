/** The queue board (bull-board), served by the API itself outside the web app: a full page load. */
export const QUEUE_BOARD_PATH = '/admin/queues';
/** The cookie the board accepts from a browser (its own requests cannot carry our bearer token). */
export const BOARD_COOKIE = 'relais_token';

/** Seconds until a JWT expires (its `exp`), or null when it cannot be read. */
export function secondsLeft(token: string, now = Date.now()): number | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp === 'number' ? Math.max(0, Math.floor(payload.exp - now / 1000)) : null;
  } catch {
    return null;
  }
}

/**
 * Hands the session's token to the board as the cookie it reads: only for the board's own path,
 * never sent by another site (SameSite=Strict), gone when the token expires or at sign-out.
 * The token is already readable by this page (sessionStorage): the cookie exposes nothing more.
 */
export function boardCookie(token: string, secure: boolean): string {
  const left = secondsLeft(token);
  return [`${BOARD_COOKIE}=${encodeURIComponent(token)}`, `Path=${QUEUE_BOARD_PATH}`, 'SameSite=Strict', ...(left !== null ? [`Max-Age=${left}`] : []), ...(secure ? ['Secure'] : [])].join('; ');
}

export function clearBoardCookie(): void {
  document.cookie = `${BOARD_COOKIE}=; Path=${QUEUE_BOARD_PATH}; Max-Age=0; SameSite=Strict`;
}
