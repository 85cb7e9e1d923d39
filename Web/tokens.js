// What this browser knows about its access token (when it expires, how long they live), shared by
// its tabs through localStorage, and who wants to hear when that changes.
import { storageGet, storageSet } from './storage.js';

const KEY_EXPIRES_AT = 'latchkey.accessExpiresAt';
const KEY_TTL = 'latchkey.accessTtl';

/** When the current access token expires (ms since epoch), as far as this browser knows. */
export function accessExpiresAt() {
  const value = Number(storageGet(KEY_EXPIRES_AT));
  return Number.isFinite(value) && value > 0 ? value : null;
}

/** The lifetime (s) of the last access token issued, from `expires_in`. */
export function accessTtl() {
  const value = Number(storageGet(KEY_TTL));
  return Number.isFinite(value) && value > 0 ? value : null;
}

const tokenListeners = new Set();
export function onTokenChange(listener) {
  tokenListeners.add(listener);
}

/** Records the lifetime of tokens just issued (a token answer's `expires_in`) and tells the listeners. */
export function rememberIssue(body) {
  if (body && typeof body.expires_in === 'number') {
    storageSet(KEY_EXPIRES_AT, String(Date.now() + body.expires_in * 1000));
    storageSet(KEY_TTL, String(body.expires_in));
  }
  for (const listener of tokenListeners) listener();
}

/** Forgets what this browser knew about the tokens (after logout or when the session ended). */
export function forgetTokens() {
  storageSet(KEY_EXPIRES_AT, null);
  storageSet(KEY_TTL, null);
  for (const listener of tokenListeners) listener();
}

// Another tab refreshed or logged in: tell our listeners too (the countdown follows).
window.addEventListener('storage', (event) => {
  if (event.key === KEY_EXPIRES_AT || event.key === null) {
    for (const listener of tokenListeners) listener();
  }
});
