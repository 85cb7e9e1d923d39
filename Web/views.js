// The page's state and its two screens (log in, the app), how every error reaches the person,
// and the access-token countdown in the top bar.
import * as api from './api.js';
import { ApiError, Problem, SessionOverError } from './api.js';
import { storageGet } from './storage.js';
import { $, clearFieldErrors, formatCountdown, hideToast, setAlert, show, showFieldErrors } from './ui.js';

export const KEY_EMAIL = 'latchkey.email';
export const KEY_SIGNED_OUT = 'latchkey.signedOutAt';
export const KEY_SIGNED_IN = 'latchkey.signedInAt';
export const KEY_ACCOUNT_DELETED = 'latchkey.accountDeletedAt';

export const state = {
  view: 'boot', // boot | auth | app
  authMode: 'login', // login | signup
  notes: [], // newest first
  cursor: null,
  editing: null, // {id, etag, opener}
  profile: null,
  sessionCount: null, // active sessions, from the sessions list
  activityCursor: null, // next_cursor of the activity list
};

// What showApp loads, together: each part of the app registers its loader (notes, profile, sessions,
// activity).
const appLoaders = [];

/** Registers `load` (an async function) to run each time the app screen is shown. */
export function onAppShown(load) {
  appLoaders.push(load);
}

// ------------------------------------------------------------------------------------------------
// Errors: every one reaches the person
// ------------------------------------------------------------------------------------------------

/**
 * Shows `error` in `area` (field errors next to the fields of `form`), or goes back to the login
 * screen when the session is over. Never swallows anything.
 */
export function report(error, area, form = null) {
  if (error instanceof SessionOverError) {
    sessionOver(error);
    return;
  }
  if (error instanceof ApiError) {
    let text = error.userMessage;
    let placed = false;
    if (form && error.fieldErrors.length) {
      const unplaced = showFieldErrors(form, error.fieldErrors);
      placed = unplaced.length < error.fieldErrors.length;
      if (unplaced.length) text += ` ${unplaced.map((e) => `${e.field}: ${e.message}`).join('; ')}.`;
      else text += ' See the highlighted fields.';
    } else if (error.fieldErrors.length) {
      text += ` ${error.fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ')}.`;
    }
    setAlert(area, text, placed && area.closest('form') === form ? 'validation' : null);
    return;
  }
  console.error(error);
  setAlert(area, `Something went wrong in this page: ${error && error.message ? error.message : error}`);
}

export function showGlobalError(text) {
  $('global-error-text').textContent = text;
  show($('global-error'));
}

window.addEventListener('unhandledrejection', (event) => {
  const error = event.reason;
  if (error instanceof SessionOverError) {
    sessionOver(error);
  } else {
    showGlobalError(error instanceof ApiError ? error.userMessage : `Unexpected error: ${error && error.message ? error.message : error}`);
  }
});
window.addEventListener('error', (event) => {
  showGlobalError(`Unexpected error: ${event.message}`);
});

const sessionOverMessages = {
  [Problem.sessionEnded]: 'Your session has ended: it was revoked (perhaps from another device) or it expired. Please log in again.',
  [Problem.refreshTokenInvalid]: 'Your session could not be renewed. Please log in again.',
  [Problem.tokenMissing]: 'You are not logged in (any more). Please log in again.',
  [Problem.tokenInvalid]: 'Your session is not valid any more. Please log in again.',
  [Problem.csrfFailed]: 'Your session could not be confirmed by this page. Please log in again.',
};

function sessionOver(error) {
  // A known type gets a sentence of ours (the server's detail says the same, tersely); any other
  // 401 shows the server's own detail.
  const text = sessionOverMessages[error.type] || error.userMessage;
  if (state.view === 'auth') {
    // Already there (several calls failing together): keep the first message.
    return;
  }
  api.forgetTokens();
  showAuth({ notice: text, noticeKind: 'warning' });
}

// ------------------------------------------------------------------------------------------------
// Views
// ------------------------------------------------------------------------------------------------

function setView(view) {
  state.view = view;
  show($('boot'), view === 'boot');
  show($('auth-view'), view === 'auth');
  show($('app-view'), view === 'app');
  show($('session-bar'), view === 'app');
  document.body.dataset.view = view;
}

function closeDialogs() {
  for (const dialog of document.querySelectorAll('dialog[open]')) dialog.close();
}

export function showAuth({ notice = '', noticeKind = 'info', mode = null } = {}) {
  closeDialogs();
  hideToast();
  setView('auth');
  state.notes = [];
  state.cursor = null;
  state.profile = null;
  state.sessionCount = null;
  state.activityCursor = null;
  $('note-list').replaceChildren();
  $('session-list').replaceChildren();
  $('activity-list').replaceChildren();
  setAuthMode(mode || state.authMode);
  const noticeBox = $('auth-notice');
  noticeBox.classList.toggle('alert-warning', noticeKind === 'warning');
  noticeBox.classList.toggle('alert-info', noticeKind !== 'warning');
  setAlert(noticeBox, notice);
  setAlert($('auth-error'), '');
  clearFieldErrors($('auth-form'));
  const password = $('auth-password');
  password.value = '';
  const email = $('auth-email');
  if (!email.value) email.value = storageGet(KEY_EMAIL) || '';
  (email.value ? password : email).focus();
  updateTokenIndicator();
}

export function setAuthMode(mode) {
  state.authMode = mode;
  const signup = mode === 'signup';
  $('mode-login').setAttribute('aria-pressed', String(!signup));
  $('mode-signup').setAttribute('aria-pressed', String(signup));
  $('auth-title').textContent = signup ? 'Create your account' : 'Welcome back';
  $('auth-subtitle').textContent = signup ? 'Sign up to keep your notes in one place.' : 'Log in to your notes.';
  $('auth-submit').textContent = signup ? 'Create account' : 'Log in';
  $('auth-password').autocomplete = signup ? 'new-password' : 'current-password';
  show($('auth-password-hint'), signup);
  clearFieldErrors($('auth-form'));
  setAlert($('auth-error'), '');
}

export async function showApp() {
  setView('app');
  for (const id of ['notes-error', 'profile-error', 'sessions-error', 'activity-error', 'note-create-error']) setAlert($(id), '');
  show($('global-error'), false);
  updateWhoAmI();
  updateTokenIndicator();
  $('main').focus();
  // The loads run together; a token that needs renewing is renewed once for all of them.
  await Promise.all(appLoaders.map((load) => load()));
  if (state.view === 'app') $('note-create-title').focus();
}

export function updateWhoAmI() {
  const name = state.profile && state.profile.display_name;
  $('whoami').textContent = name || storageGet(KEY_EMAIL) || '';
}

// ------------------------------------------------------------------------------------------------
// Access-token countdown
// ------------------------------------------------------------------------------------------------

export function updateTokenIndicator() {
  const indicator = $('token-indicator');
  const text = $('token-text');
  const progress = $('token-progress');
  const expiresAt = api.accessExpiresAt();
  const ttl = api.accessTtl();
  if (!expiresAt) {
    text.textContent = 'Access token: renews on next request';
    indicator.dataset.state = 'unknown';
    progress.value = 0;
    delete indicator.dataset.expiresAt;
    return;
  }
  const left = (expiresAt - Date.now()) / 1000;
  indicator.dataset.expiresAt = String(expiresAt);
  if (left > 0) {
    text.textContent = `Access token expires in ${formatCountdown(left)}`;
    indicator.dataset.state = ttl && left < Math.min(60, ttl / 3) ? 'soon' : 'fresh';
    progress.max = ttl || 1;
    progress.value = Math.min(left, progress.max);
  } else {
    text.textContent = 'Access token expired · renews on next request';
    indicator.dataset.state = 'expired';
    progress.value = 0;
  }
}
