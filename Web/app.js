// Latchkey web demo: log in / sign up, notes, profile, sessions. Cookie mode only.
import * as api from './api.js';
import { ApiError, Problem, SessionOverError } from './api.js';
import {
  $,
  busy,
  clearFieldErrors,
  confirmAction,
  describeUserAgent,
  formatCountdown,
  setAlert,
  show,
  showFieldErrors,
  timeElement,
  hideToast,
  toast,
  watchFieldErrors,
} from './ui.js';

const NOTES_PAGE_SIZE = 10;
const KEY_EMAIL = 'latchkey.email';
const KEY_SIGNED_OUT = 'latchkey.signedOutAt';
const KEY_SIGNED_IN = 'latchkey.signedInAt';

const state = {
  view: 'boot', // boot | auth | app
  authMode: 'login', // login | signup
  notes: [], // newest first
  cursor: null,
  editing: null, // {id, etag, opener}
  profile: null,
};

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
    // Storage disabled: the page still works, tabs just do not hear of each other.
  }
}

// ------------------------------------------------------------------------------------------------
// Errors: every one reaches the person
// ------------------------------------------------------------------------------------------------

/**
 * Shows `error` in `area` (field errors next to the fields of `form`), or goes back to the login
 * screen when the session is over. Never swallows anything.
 */
function report(error, area, form = null) {
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

function showGlobalError(text) {
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

function showAuth({ notice = '', noticeKind = 'info', mode = null } = {}) {
  closeDialogs();
  hideToast();
  setView('auth');
  state.notes = [];
  state.cursor = null;
  $('note-list').replaceChildren();
  $('session-list').replaceChildren();
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

function setAuthMode(mode) {
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

async function showApp() {
  setView('app');
  for (const id of ['notes-error', 'profile-error', 'sessions-error', 'note-create-error']) setAlert($(id), '');
  show($('global-error'), false);
  updateWhoAmI();
  updateTokenIndicator();
  $('main').focus();
  // The three loads run together; a token that needs renewing is renewed once for all of them.
  await Promise.all([loadNotes({ reset: true }), loadProfile(), loadSessions()]);
  if (state.view === 'app') $('note-create-title').focus();
}

function updateWhoAmI() {
  const name = state.profile && state.profile.display_name;
  $('whoami').textContent = name || storageGet(KEY_EMAIL) || '';
}

// ------------------------------------------------------------------------------------------------
// Log in / sign up
// ------------------------------------------------------------------------------------------------

function validateAuthForm(email, password) {
  const errors = [];
  if (!email) errors.push({ field: 'email', message: 'Enter your e-mail address.' });
  else if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) errors.push({ field: 'email', message: 'Enter a valid e-mail address, like name@example.com.' });
  if (!password) errors.push({ field: 'password', message: 'Enter your password.' });
  else if (state.authMode === 'signup' && (password.length < 8 || password.length > 128)) {
    errors.push({ field: 'password', message: 'Use 8 to 128 characters.' });
  }
  return errors;
}

async function onAuthSubmit(event) {
  event.preventDefault();
  const form = $('auth-form');
  const errorBox = $('auth-error');
  clearFieldErrors(form);
  setAlert(errorBox, '');
  setAlert($('auth-notice'), '');
  const email = $('auth-email').value.trim();
  const password = $('auth-password').value;
  const local = validateAuthForm(email, password);
  if (local.length) {
    showFieldErrors(form, local);
    return;
  }
  await busy($('auth-submit'), async () => {
    try {
      if (state.authMode === 'signup') {
        await api.signUp(email, password);
      }
      await api.logIn(email, password);
    } catch (error) {
      if (error instanceof ApiError && error.type === Problem.conflict) {
        showFieldErrors(form, [{ field: 'email', message: `${error.userMessage} Log in instead?` }]);
        return;
      }
      if (error instanceof ApiError && error.type === Problem.invalidCredentials) {
        setAlert(errorBox, error.userMessage);
        $('auth-password').focus();
        return;
      }
      report(error instanceof SessionOverError ? new ApiError(error.problem, error.status) : error, errorBox, form);
      return;
    }
    storageSet(KEY_EMAIL, email);
    storageSet(KEY_SIGNED_IN, String(Date.now()));
    $('auth-password').value = '';
    const signedUp = state.authMode === 'signup';
    setAuthMode('login');
    toast(signedUp ? 'Account created. Welcome!' : 'Logged in.');
    await showApp();
  });
}

// ------------------------------------------------------------------------------------------------
// Notes
// ------------------------------------------------------------------------------------------------

function noteElement(note) {
  const item = $('note-template').content.firstElementChild.cloneNode(true);
  fillNoteElement(item, note);
  item.querySelector('.note-edit').addEventListener('click', (event) => openEditor(note.id, event.currentTarget));
  item.querySelector('.note-delete').addEventListener('click', (event) => onDeleteNote(note.id, event.currentTarget));
  return item;
}

function fillNoteElement(item, note) {
  item.dataset.noteId = note.id;
  item.dataset.version = String(note.version);
  item.querySelector('.note-title').textContent = note.title;
  const body = item.querySelector('.note-body');
  body.textContent = note.body || '';
  body.hidden = !note.body;
  const meta = item.querySelector('.note-meta');
  const edited = note.updated_at && note.updated_at !== note.created_at;
  meta.replaceChildren(
    document.createTextNode(edited ? 'Edited ' : 'Created '),
    timeElement(edited ? note.updated_at : note.created_at),
    document.createTextNode(` · version ${note.version}`),
  );
  item.querySelector('.note-edit').setAttribute('aria-label', `Edit “${note.title}”`);
  item.querySelector('.note-delete').setAttribute('aria-label', `Delete “${note.title}”`);
}

function renderNotes() {
  const list = $('note-list');
  list.replaceChildren(...state.notes.map(noteElement));
  show($('notes-empty'), state.notes.length === 0);
  show($('notes-more'), Boolean(state.cursor));
}

function findNoteElement(id) {
  return [...$('note-list').children].find((item) => item.dataset.noteId === id) || null;
}

async function loadNotes({ reset }) {
  const errorBox = $('notes-error');
  setAlert(errorBox, '');
  try {
    const page = await api.listNotes(NOTES_PAGE_SIZE, reset ? null : state.cursor);
    const known = new Set(reset ? [] : state.notes.map((note) => note.id));
    const fresh = (page.items || []).filter((note) => !known.has(note.id));
    state.notes = reset ? fresh : state.notes.concat(fresh);
    state.cursor = page.next_cursor || null;
    renderNotes();
  } catch (error) {
    report(error, errorBox);
  }
}

async function onCreateNote(event) {
  event.preventDefault();
  const form = $('note-create-form');
  const errorBox = $('note-create-error');
  clearFieldErrors(form);
  setAlert(errorBox, '');
  const title = $('note-create-title').value.trim();
  const body = $('note-create-body').value;
  if (!title) {
    showFieldErrors(form, [{ field: 'title', message: 'Give the note a title.' }]);
    return;
  }
  await busy($('note-create-submit'), async () => {
    try {
      const { note } = await api.createNote(title, body);
      state.notes = [note, ...state.notes.filter((n) => n.id !== note.id)];
      renderNotes();
      form.reset();
      $('note-create-title').focus();
      toast('Note added.');
    } catch (error) {
      report(error, errorBox, form);
    }
  });
}

async function openEditor(id, opener) {
  const dialog = $('note-dialog');
  const form = $('note-edit-form');
  clearFieldErrors(form);
  setAlert($('note-edit-error'), '');
  setAlert($('note-edit-notice'), '');
  setAlert($('notes-error'), '');
  try {
    const { note, etag } = await busy(opener, () => api.getNote(id));
    state.editing = { id, etag, opener };
    fillEditor(note);
    updateNoteInList(note);
    dialog.showModal();
    $('note-edit-title').focus();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      removeNoteFromList(id);
      setAlert($('notes-error'), 'That note no longer exists (deleted elsewhere). The list is up to date now.');
      return;
    }
    report(error, $('notes-error'));
  }
}

function fillEditor(note) {
  $('note-edit-title').value = note.title;
  $('note-edit-body').value = note.body || '';
  const meta = $('note-edit-meta');
  meta.replaceChildren(document.createTextNode(`Version ${note.version}, last changed `), timeElement(note.updated_at));
}

function closeEditor() {
  const dialog = $('note-dialog');
  const opener = state.editing && state.editing.opener;
  state.editing = null;
  if (dialog.open) dialog.close();
  if (opener && opener.isConnected) opener.focus();
}

function updateNoteInList(note) {
  state.notes = state.notes.map((n) => (n.id === note.id ? note : n));
  const item = findNoteElement(note.id);
  if (item) fillNoteElement(item, note);
}

function removeNoteFromList(id) {
  state.notes = state.notes.filter((n) => n.id !== id);
  const item = findNoteElement(id);
  if (item) item.remove();
  show($('notes-empty'), state.notes.length === 0);
}

async function onSaveNote(event) {
  event.preventDefault();
  if (!state.editing) return;
  const { id, etag } = state.editing;
  const form = $('note-edit-form');
  const errorBox = $('note-edit-error');
  clearFieldErrors(form);
  setAlert(errorBox, '');
  setAlert($('note-edit-notice'), '');
  const title = $('note-edit-title').value.trim();
  const body = $('note-edit-body').value;
  if (!title) {
    showFieldErrors(form, [{ field: 'title', message: 'A note needs a title.' }]);
    return;
  }
  await busy($('note-edit-submit'), async () => {
    try {
      const { note } = await api.updateNote(id, etag, { title, body });
      updateNoteInList(note);
      closeEditor();
      toast('Note saved.');
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        await reloadAfterConflict(id);
        return;
      }
      if (error instanceof ApiError && error.status === 404) {
        closeEditor();
        removeNoteFromList(id);
        setAlert($('notes-error'), 'That note was deleted elsewhere, so your changes could not be saved.');
        return;
      }
      report(error, errorBox, form);
    }
  });
}

async function reloadAfterConflict(id) {
  try {
    const { note, etag } = await api.getNote(id);
    if (state.editing && state.editing.id === id) state.editing.etag = etag;
    fillEditor(note);
    updateNoteInList(note);
    setAlert(
      $('note-edit-notice'),
      'This note was changed elsewhere (another tab or device) since you opened it, so your changes were not saved. ' +
        'The latest version is loaded below: make your changes again and save.',
    );
    $('note-edit-title').focus();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      closeEditor();
      removeNoteFromList(id);
      setAlert($('notes-error'), 'That note was deleted elsewhere, so your changes could not be saved.');
      return;
    }
    report(error, $('note-edit-error'));
  }
}

async function onDeleteNote(id, button) {
  const note = state.notes.find((n) => n.id === id);
  const confirmed = await confirmAction({
    title: 'Delete this note?',
    text: `“${note ? note.title : 'This note'}” will be deleted for good.`,
    confirmLabel: 'Delete note',
  });
  if (!confirmed) return;
  setAlert($('notes-error'), '');
  await busy(button, async () => {
    try {
      await api.deleteNote(id);
      removeNoteFromList(id);
      toast('Note deleted.');
      $('note-create-title').focus();
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        removeNoteFromList(id);
        setAlert($('notes-error'), 'That note was already deleted elsewhere.');
        return;
      }
      report(error, $('notes-error'));
    }
  });
}

// ------------------------------------------------------------------------------------------------
// Profile
// ------------------------------------------------------------------------------------------------

function fillProfile(profile) {
  state.profile = profile;
  $('profile-display-name').value = profile.display_name || '';
  $('profile-bio').value = profile.bio || '';
  updateBioCount();
  const updated = $('profile-updated');
  if (profile.updated_at) {
    updated.replaceChildren(document.createTextNode('Saved '), timeElement(profile.updated_at));
  } else {
    updated.textContent = 'Not set up yet';
  }
  updateWhoAmI();
}

function updateBioCount() {
  $('profile-bio-count').textContent = String($('profile-bio').value.length);
}

async function loadProfile() {
  const errorBox = $('profile-error');
  setAlert(errorBox, '');
  try {
    fillProfile(await api.getProfile());
  } catch (error) {
    report(error, errorBox);
  }
}

async function onSaveProfile(event) {
  event.preventDefault();
  const form = $('profile-form');
  const errorBox = $('profile-error');
  clearFieldErrors(form);
  setAlert(errorBox, '');
  const displayName = $('profile-display-name').value.trim();
  const bio = $('profile-bio').value.trim();
  await busy($('profile-submit'), async () => {
    try {
      fillProfile(await api.saveProfile(displayName || null, bio || null));
      toast('Profile saved.');
    } catch (error) {
      report(error, errorBox, form);
    }
  });
}

// ------------------------------------------------------------------------------------------------
// Sessions
// ------------------------------------------------------------------------------------------------

function sessionElement(session) {
  const item = $('session-template').content.firstElementChild.cloneNode(true);
  item.dataset.sessionId = session.id;
  const name = describeUserAgent(session.user_agent);
  item.querySelector('.session-name').textContent = name;
  const badge = item.querySelector('.badge');
  badge.hidden = !session.current;
  if (session.current) item.classList.add('session-current');
  item.querySelector('.session-meta').replaceChildren(
    document.createTextNode(`${session.ip || 'unknown address'} · signed in `),
    timeElement(session.created_at),
    document.createTextNode(' · last used '),
    timeElement(session.last_used_at),
  );
  const ua = item.querySelector('.session-ua');
  ua.textContent = session.user_agent || '';
  ua.hidden = !session.user_agent;
  const button = item.querySelector('.session-revoke');
  button.textContent = session.current ? 'Log out' : 'Revoke';
  button.setAttribute('aria-label', session.current ? 'Log out of this device' : `Revoke the session of ${name}, ${session.ip || 'unknown address'}`);
  button.addEventListener('click', () => onRevokeSession(session, button));
  return item;
}

async function loadSessions() {
  const errorBox = $('sessions-error');
  setAlert(errorBox, '');
  try {
    const sessions = await api.listSessions();
    // This device first, then the most recently used.
    sessions.sort((a, b) => Number(b.current) - Number(a.current) || String(b.last_used_at).localeCompare(String(a.last_used_at)));
    $('session-list').replaceChildren(...sessions.map(sessionElement));
  } catch (error) {
    report(error, errorBox);
  }
}

async function onRevokeSession(session, button) {
  if (session.current) {
    await onLogout();
    return;
  }
  const confirmed = await confirmAction({
    title: 'Revoke this session?',
    text: `${describeUserAgent(session.user_agent)} (${session.ip || 'unknown address'}) will be logged out at once.`,
    confirmLabel: 'Revoke session',
  });
  if (!confirmed) return;
  await busy(button, async () => {
    try {
      await api.revokeSession(session.id);
      toast('Session revoked.');
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) {
        report(error, $('sessions-error'));
        return;
      }
      setAlert($('sessions-error'), 'That session had already ended.');
    }
  });
  if (state.view === 'app') await loadSessions();
}

async function onLogout() {
  await busy($('logout-button'), async () => {
    try {
      await api.logOut();
    } catch (error) {
      if (!(error instanceof SessionOverError)) {
        showGlobalError(`Logging out failed: ${error.userMessage || error.message}`);
        return;
      }
      // Already over: the outcome the person asked for.
    }
    storageSet(KEY_SIGNED_OUT, String(Date.now()));
    showAuth({ notice: 'You are logged out.', mode: 'login' });
  });
}

async function onLogoutEverywhere() {
  const confirmed = await confirmAction({
    title: 'Log out everywhere?',
    text: 'Every session of your account ends, on this device and all others.',
    confirmLabel: 'Log out everywhere',
  });
  if (!confirmed) return;
  await busy($('logout-everywhere'), async () => {
    try {
      await api.logOutEverywhere();
    } catch (error) {
      if (!(error instanceof SessionOverError)) {
        report(error, $('sessions-error'));
        return;
      }
    }
    storageSet(KEY_SIGNED_OUT, String(Date.now()));
    showAuth({ notice: 'You are logged out on every device.', mode: 'login' });
  });
}

// ------------------------------------------------------------------------------------------------
// Access-token countdown
// ------------------------------------------------------------------------------------------------

function updateTokenIndicator() {
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

// ------------------------------------------------------------------------------------------------
// Start
// ------------------------------------------------------------------------------------------------

function wire() {
  $('mode-login').addEventListener('click', () => setAuthMode('login'));
  $('mode-signup').addEventListener('click', () => setAuthMode('signup'));
  $('auth-form').addEventListener('submit', onAuthSubmit);
  $('toggle-password').addEventListener('click', (event) => {
    const input = $('auth-password');
    const showing = input.type === 'text';
    input.type = showing ? 'password' : 'text';
    event.currentTarget.textContent = showing ? 'Show' : 'Hide';
    event.currentTarget.setAttribute('aria-pressed', String(!showing));
  });

  for (const id of ['auth-form', 'note-create-form', 'note-edit-form', 'profile-form']) watchFieldErrors($(id));
  $('note-create-form').addEventListener('submit', onCreateNote);
  $('notes-reload').addEventListener('click', (event) => busy(event.currentTarget, () => loadNotes({ reset: true })));
  $('notes-more').addEventListener('click', (event) => busy(event.currentTarget, () => loadNotes({ reset: false })));
  $('note-edit-form').addEventListener('submit', onSaveNote);
  $('note-edit-cancel').addEventListener('click', closeEditor);
  $('note-dialog').addEventListener('cancel', (event) => {
    event.preventDefault();
    closeEditor();
  });

  $('profile-form').addEventListener('submit', onSaveProfile);
  $('profile-bio').addEventListener('input', updateBioCount);

  $('sessions-reload').addEventListener('click', (event) => busy(event.currentTarget, loadSessions));
  $('logout-everywhere').addEventListener('click', onLogoutEverywhere);
  $('logout-button').addEventListener('click', onLogout);
  $('global-error-close').addEventListener('click', () => show($('global-error'), false));

  api.onTokenChange(updateTokenIndicator);
  setInterval(updateTokenIndicator, 1000);

  // Another tab logged out or in: follow it.
  window.addEventListener('storage', (event) => {
    if (event.key === KEY_SIGNED_OUT && state.view === 'app' && !api.hasSessionCookie()) {
      showAuth({ notice: 'You logged out in another tab.', mode: 'login' });
    } else if (event.key === KEY_SIGNED_IN && state.view === 'auth' && api.hasSessionCookie()) {
      showApp();
    }
  });
}

async function start() {
  wire();
  if (!api.hasSessionCookie()) {
    showAuth();
    return;
  }
  await showApp();
}

// For the browser tests (and the curious): renew the session now, through the same path an
// expired token takes. Resolves {refreshed: true} or {refreshed: false} when another tab just did.
window.latchkey = Object.freeze({
  refreshNow: () => api.refreshSession(Date.now()),
  // One API call through the page's own client (CSRF header, refresh and retry included).
  request: async (method, path, json, headers) => {
    const { status, data } = await api.request(method, path, { json, headers });
    return { status, data };
  },
  stats: api.stats,
  get view() {
    return state.view;
  },
  get accessTtl() {
    return api.accessTtl();
  },
});

start();
