/**
 * The keys of the timeline's MAC chain (ADR 0002): every key ever used, by id, so that events
 * written before a rotation still verify with their own key; new events use `currentKeyId`.
 */
export interface TimelineKeyring {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** Development and test only: production refuses to start with it (AppConfig). */
export const DEV_TIMELINE_KEY_ID = 'dev';
export const DEV_TIMELINE_KEYS = `${DEV_TIMELINE_KEY_ID}:${Buffer.from('relais-dev-timeline-key-not-for-production-use').toString('base64')}`;

const KEY_ID = /^[A-Za-z0-9_.-]{1,32}$/;
const MIN_KEY_BYTES = 32;

/**
 * `kid:base64key,kid:base64key` → a keyring, or the reason it is refused (null when valid):
 * ids unique and short (they are stored on every event), keys of at least 32 bytes.
 */
export function parseTimelineKeys(raw: string, currentKeyId: string | undefined): TimelineKeyring | string {
  const keys = new Map<string, Buffer>();
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    if (colon < 1) return 'attend des paires « identifiant:clé_base64 » séparées par des virgules';
    const kid = part.slice(0, colon);
    const b64 = part.slice(colon + 1);
    if (!KEY_ID.test(kid)) return `: l’identifiant de clé « ${kid.slice(0, 40)} » doit faire 1 à 32 caractères parmi A-Z a-z 0-9 _ . -`;
    if (keys.has(kid)) return `: l’identifiant de clé « ${kid} » apparaît deux fois`;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return `: la clé « ${kid} » n’est pas en base64`;
    const key = Buffer.from(b64, 'base64');
    if (key.length < MIN_KEY_BYTES) return `: la clé « ${kid} » doit faire au moins ${MIN_KEY_BYTES} octets (openssl rand -base64 32)`;
    keys.set(kid, key);
  }
  if (keys.size === 0) return 'ne contient aucune clé';
  const current = currentKeyId ?? (keys.size === 1 ? [...keys.keys()][0] : undefined);
  if (current === undefined) return ': plusieurs clés, précisez la clé courante dans TIMELINE_HMAC_KEY_ID';
  if (!keys.has(current)) return `: TIMELINE_HMAC_KEY_ID « ${current.slice(0, 40)} » n’est pas l’une des clés`;
  return { currentKeyId: current, keys };
}
