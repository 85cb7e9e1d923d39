// Latchkey API client for the browser, cookie mode only.
//
// - Tokens travel only as HttpOnly cookies: this file never sees one.
// - Every write carries X-CSRF-Token = the csrf cookie (double submit).
// - A 401 token-expired (or token-missing: the access cookie lives exactly as long as its token,
//   so once it is gone the browser simply stops sending it) triggers one refresh and one retry.
// - One refresh at a time per browser, across tabs (Web Locks API); inside the lock a tab skips
//   the refresh when another tab already refreshed after its own request went out. That record
//   lives in IndexedDB: a tab that writes it and then releases the lock is seen by the next holder.
//   (localStorage is not enough: Chromium hands other tabs its changes asynchronously, so the next
//   holder of the lock may still read the old value and refresh a second time.)

const PROBLEM = 'urn:latchkey:problem:';

export const Problem = Object.freeze({
  tokenMissing: `${PROBLEM}token-missing`,
  tokenExpired: `${PROBLEM}token-expired`,
  tokenInvalid: `${PROBLEM}token-invalid`,
  sessionEnded: `${PROBLEM}session-ended`,
  invalidCredentials: `${PROBLEM}invalid-credentials`,
  refreshTokenInvalid: `${PROBLEM}refresh-token-invalid`,
  csrfFailed: `${PROBLEM}csrf-failed`,
  validationFailed: `${PROBLEM}validation-failed`,
  notFound: `${PROBLEM}not-found`,
  conflict: `${PROBLEM}conflict`,
  preconditionFailed: `${PROBLEM}precondition-failed`,
  rateLimited: `${PROBLEM}rate-limited`,
});

const REFRESH_LOCK = 'latchkey-refresh';
const KEY_LAST_REFRESH = 'latchkey.lastRefreshAt';
const KEY_EXPIRES_AT = 'latchkey.accessExpiresAt';
const KEY_TTL = 'latchkey.accessTtl';

/** An error answer of the API (a problem+json body), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(problem, status, retryAfter = null) {
    super(problem.detail || problem.title || `The request failed (${status}).`);
    this.name = 'ApiError';
    this.problem = problem;
    this.status = status;
    this.type = problem.type || 'about:blank';
    this.retryAfter = retryAfter;
    this.fieldErrors = Array.isArray(problem.errors) ? problem.errors : [];
  }

  /** The text to show a person: the problem's detail, plus when to try again if the server said. */
  get userMessage() {
    let text = this.message;
    if (this.retryAfter && !/try again/i.test(text)) {
      text += ` Try again in ${this.retryAfter} s.`;
    }
    return text;
  }
}

/** The session is over (revoked, expired, or never was): the person has to log in again. */
export class SessionOverError extends ApiError {
  constructor(problem, status) {
    super(problem, status);
    this.name = 'SessionOverError';
  }
}

// ------------------------------------------------------------------------------------------------
// Cookies and local bookkeeping
// ------------------------------------------------------------------------------------------------

/** The csrf cookie's value: `__Host-csrf_token`, or `csrf_token` when COOKIE_SECURE=false. */
export function csrfToken() {
  let plain = null;
  for (const part of document.cookie ? document.cookie.split(';') : []) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === '__Host-csrf_token') return value;
    if (name === 'csrf_token') plain = value;
  }
  return plain;
}

/** Whether this browser probably holds a session (the csrf cookie lives as long as the refresh token). */
export function hasSessionCookie() {
  return csrfToken() !== null;
}

function storageGet(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function storageSet(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Storage disabled: cross-tab coordination falls back to "retry and see".
  }
}

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

function rememberIssue(body) {
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

// ------------------------------------------------------------------------------------------------
// Responses
// ------------------------------------------------------------------------------------------------

async function readBody(response) {
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function readProblem(response) {
  const type = response.headers.get('Content-Type') || '';
  let body = null;
  if (type.includes('json')) {
    body = await readBody(response).catch(() => null);
  }
  if (body && typeof body === 'object' && (body.type || body.detail || body.title)) {
    return body;
  }
  return {
    type: 'about:blank',
    title: response.statusText || 'Error',
    status: response.status,
    detail: `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`,
  };
}

function retryAfterOf(response) {
  const value = response.headers.get('Retry-After');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds));
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, Math.round((date - Date.now()) / 1000)) : null;
}

const networkProblem = {
  type: 'about:blank',
  title: 'Network error',
  detail: 'Could not reach the server. Check that it is running and your connection, then try again.',
};

async function send(method, path, { json, headers = {} } = {}) {
  const finalHeaders = { Accept: 'application/json, application/problem+json', ...headers };
  if (json !== undefined) finalHeaders['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) finalHeaders['X-CSRF-Token'] = token;
  }
  try {
    return await fetch(path, {
      method,
      headers: finalHeaders,
      body: json === undefined ? undefined : JSON.stringify(json),
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
    });
  } catch {
    throw new ApiError(networkProblem, 0);
  }
}

// ------------------------------------------------------------------------------------------------
// Refresh: one at a time per browser
// ------------------------------------------------------------------------------------------------

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
async function recordRefresh(at) {
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

// ------------------------------------------------------------------------------------------------
// Requests
// ------------------------------------------------------------------------------------------------

const renewable = new Set([Problem.tokenExpired, Problem.tokenMissing]);

/**
 * One API call. Resolves `{status, headers, data}` for a 2xx answer; rejects with ApiError
 * (SessionOverError when the person must log in again).
 * `session: false` for the calls that do not need one (sign-up, login): their 401 is theirs.
 */
export async function request(method, path, { json, headers, session = true } = {}) {
  let retried = false;
  for (;;) {
    const sentAt = Date.now();
    const response = await send(method, path, { json, headers });
    if (response.ok) {
      return { status: response.status, headers: response.headers, data: await readBody(response) };
    }
    const problem = await readProblem(response);
    if (session && response.status === 401) {
      if (!retried && renewable.has(problem.type)) {
        retried = true;
        stats.renewedAfter.push(problem.type);
        await refreshSession(sentAt);
        continue;
      }
      throw new SessionOverError(problem, 401);
    }
    throw new ApiError(problem, response.status, retryAfterOf(response));
  }
}

// ------------------------------------------------------------------------------------------------
// The endpoints
// ------------------------------------------------------------------------------------------------

export async function signUp(email, password) {
  return (await request('POST', '/v1/accounts', { json: { email, password }, session: false })).data;
}

export async function logIn(email, password) {
  const { data } = await request('POST', '/v1/sessions', {
    json: { email, password },
    headers: { 'Token-Transport': 'cookie' },
    session: false,
  });
  await recordRefresh(Date.now());
  rememberIssue(data);
  return data;
}

export async function logOut() {
  try {
    await request('DELETE', '/v1/sessions/current');
  } finally {
    forgetTokens();
  }
}

export async function logOutEverywhere() {
  try {
    await request('DELETE', '/v1/sessions');
  } finally {
    forgetTokens();
  }
}

export async function listSessions() {
  return (await request('GET', '/v1/sessions')).data.items || [];
}

export async function revokeSession(id) {
  await request('DELETE', `/v1/sessions/${encodeURIComponent(id)}`);
}

export async function listNotes(limit, cursor) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  return (await request('GET', `/v1/notes?${query}`)).data;
}

export async function getNote(id) {
  const { data, headers } = await request('GET', `/v1/notes/${encodeURIComponent(id)}`);
  return { note: data, etag: headers.get('ETag') || `"${data.version}"` };
}

export async function createNote(title, body) {
  const { data, headers } = await request('POST', '/v1/notes', { json: { title, body } });
  return { note: data, etag: headers.get('ETag') || `"${data.version}"` };
}

export async function updateNote(id, etag, changes) {
  const { data, headers } = await request('PATCH', `/v1/notes/${encodeURIComponent(id)}`, {
    json: changes,
    headers: { 'If-Match': etag },
  });
  return { note: data, etag: headers.get('ETag') || `"${data.version}"` };
}

export async function deleteNote(id) {
  await request('DELETE', `/v1/notes/${encodeURIComponent(id)}`);
}

export async function getProfile() {
  return (await request('GET', '/v1/profile')).data;
}

export async function saveProfile(displayName, bio) {
  return (await request('PUT', '/v1/profile', { json: { display_name: displayName, bio } })).data;
}
