// Latchkey API client for the browser, cookie mode only: every call of the web demo, and the one
// retry after a renewable 401.
//
// - A 401 token-expired (or token-missing: the access cookie lives exactly as long as its token,
//   so once it is gone the browser simply stops sending it) triggers one refresh and one retry.
// - The refresh runs once per browser, across tabs: refresh.js.
import { ApiError, Problem, SessionOverError, readBody, readProblem, retryAfterOf, send } from './http.js';
import { recordRefresh, refreshSession, stats } from './refresh.js';
import { forgetTokens, rememberIssue } from './tokens.js';

export { ApiError, Problem, SessionOverError, csrfToken, hasSessionCookie } from './http.js';
export { refreshSession, stats } from './refresh.js';
export { accessExpiresAt, accessTtl, forgetTokens, onTokenChange } from './tokens.js';

const renewable = new Set([Problem.tokenExpired, Problem.tokenMissing]);

/**
 * One API call. Resolves `{status, headers, data}` for a 2xx answer; rejects with ApiError
 * (SessionOverError when the person must log in again; a 401 `invalid-credentials`, a wrong password,
 * is an ApiError: the session is still good).
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
    // A wrong current_password (account deletion) is 401 invalid-credentials: the session is fine.
    if (session && response.status === 401 && problem.type !== Problem.invalidCredentials) {
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

/** A page of this account's security events, newest first: `{items, next_cursor}`. */
export async function listEvents(limit, cursor) {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  return (await request('GET', `/v1/accounts/me/events?${query}`)).data;
}

/**
 * Deletes the account (every session, notes, profile) after the server checks the password. A wrong
 * password rejects with ApiError 401 `invalid-credentials`; too many guesses with 429 (`retryAfter`).
 */
export async function deleteAccount(currentPassword) {
  await request('DELETE', '/v1/accounts/me', { json: { current_password: currentPassword } });
  // The answer cleared the cookies: this browser has no session any more.
  forgetTokens();
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
