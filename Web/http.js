// Latchkey API client, the transport: problem types, errors, cookies, one fetch. Cookie mode only.
//
// - Tokens travel only as HttpOnly cookies: this file never sees one.
// - Every write carries X-CSRF-Token = the csrf cookie (double submit).

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
  accountLocked: `${PROBLEM}account-locked`,
});

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

// ------------------------------------------------------------------------------------------------
// Responses
// ------------------------------------------------------------------------------------------------

export async function readBody(response) {
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function readProblem(response) {
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

export function retryAfterOf(response) {
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

export async function send(method, path, { json, headers = {} } = {}) {
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
