// The session's refresh, one at a time per browser, across tabs (Web Locks API): inside the lock a
// tab skips the refresh when another tab already refreshed after its own request went out. That
// record lives in IndexedDB: a tab that writes it and then releases the lock is seen by the next
// holder. (localStorage is not enough: Chromium hands other tabs its changes asynchronously, so the
// next holder of the lock may still read the old value and refresh a second time.)
import { ApiError, SessionOverError, readBody, readProblem, retryAfterOf, send } from './http.js';
import { storageGet, storageSet } from './storage.js';
import { forgetTokens, rememberIssue } from './tokens.js';

const REFRESH_LOCK = 'latchkey-refresh';
const KEY_LAST_REFRESH = 'latchkey.lastRefreshAt';

const DB_NAME = 'latchkey';
const DB_STORE = 'coordination';
let dbPromise = null;

function openDb() {
  if (!window.indexedDB) return Promise.reject(new Error('IndexedDB is not available'));
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const open = window.indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(DB_STORE);
      open.onsuccess = () => {
        const db = open.result;
        db.onversionchange = () => {
          db.close();
          dbPromise = null;
        };
        resolve(db);
      };
      open.onerror = () => reject(open.error);
      open.onblocked = () => reject(new Error('IndexedDB is blocked'));
    }).catch((error) => {
      dbPromise = null;
      throw error;
    });
  }
  return dbPromise;
}

function idb(mode, action) {
  return openDb().then(
    (db) =>
      new Promise((resolve, reject) => {
        const transaction = db.transaction(DB_STORE, mode);
        const request = action(transaction.objectStore(DB_STORE));
        transaction.oncomplete = () => resolve(request.result);
        transaction.onerror = () => reject(transaction.error);
        transaction.onabort = () => reject(transaction.error);
      }),
  );
}

/** When this browser last got fresh tokens (ms since epoch), from any tab. */
async function lastRefreshAt() {
  const fromStorage = Number(storageGet(KEY_LAST_REFRESH)) || 0;
  try {
    return Math.max(fromStorage, Number(await idb('readonly', (store) => store.get(KEY_LAST_REFRESH))) || 0);
  } catch {
    return fromStorage; // No IndexedDB (private mode of some browsers): the best we have.
  }
}

/** Records fresh tokens; resolves once the record is committed, so the next lock holder sees it. */
export async function recordRefresh(at) {
  storageSet(KEY_LAST_REFRESH, String(at));
  try {
    await idb('readwrite', (store) => store.put(at, KEY_LAST_REFRESH));
  } catch {
    // localStorage above is the fallback.
  }
}

/** Counters for this tab (the browser tests read them through window.latchkey). */
export const stats = { refreshRequests: 0, refreshSkips: 0, renewedAfter: [] };

let localChain = Promise.resolve();
function withRefreshLock(task) {
  if (navigator.locks && typeof navigator.locks.request === 'function') {
    return navigator.locks.request(REFRESH_LOCK, { mode: 'exclusive' }, task);
  }
  // No Web Locks (an insecure origin): at least one refresh at a time within this tab.
  const run = localChain.then(task, task);
  localChain = run.catch(() => undefined);
  return run;
}

/**
 * Renews the session's tokens, unless another tab (or another call in this tab) already did so
 * after `staleSince` (ms since epoch: when the caller's failing request went out).
 * Resolves `{refreshed: true}` after a refresh, `{refreshed: false}` when one was not needed.
 * Rejects with SessionOverError when the session cannot be renewed, ApiError for anything else.
 */
export function refreshSession(staleSince = Date.now()) {
  return withRefreshLock(async () => {
    const last = await lastRefreshAt();
    if (last > staleSince) {
      stats.refreshSkips += 1;
      return { refreshed: false };
    }
    stats.refreshRequests += 1;
    const response = await send('POST', '/v1/sessions/refresh', {
      json: {},
      headers: { 'Token-Transport': 'cookie' },
    });
    if (!response.ok) {
      const problem = await readProblem(response);
      // 401: session ended, refresh token invalid or missing; 403: no csrf cookie to match.
      if (response.status === 401 || response.status === 403) {
        forgetTokens();
        throw new SessionOverError(problem, response.status);
      }
      throw new ApiError(problem, response.status, retryAfterOf(response));
    }
    const body = await readBody(response);
    await recordRefresh(Date.now());
    rememberIssue(body);
    return { refreshed: true };
  });
}
