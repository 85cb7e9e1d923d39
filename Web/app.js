// Latchkey web demo: log in / sign up, notes, profile, sessions, recent activity, deleting the
// account. Cookie mode only. The entry point (index.html loads it as a module): wires each part of
// the page, then shows the screen that fits.
//
//   views.js     the state, the two screens, errors, the token countdown
//   login.js     log in / sign up
//   notes.js, profile.js, sessions.js, activity.js (security events), account.js (delete it)
//                the app's parts
//   api.js       the API client (http.js, tokens.js, and refresh.js: one refresh per browser)
//   ui.js        small DOM helpers          storage.js   localStorage that never throws
import { wireAccount, deletedNotice } from './account.js';
import { wireActivity } from './activity.js';
import * as api from './api.js';
import { wireLogin } from './login.js';
import { wireNotes } from './notes.js';
import { wireProfile } from './profile.js';
import { wireSessions } from './sessions.js';
import { $, show } from './ui.js';
import { KEY_ACCOUNT_DELETED, KEY_SIGNED_IN, KEY_SIGNED_OUT, showApp, showAuth, state, updateTokenIndicator } from './views.js';

function wire() {
  wireLogin();
  // The order the app's parts load in when it is shown: notes, profile, sessions, activity (which
  // uses the sessions list to mark this session's events).
  wireNotes();
  wireProfile();
  wireSessions();
  wireActivity();
  wireAccount();
  $('global-error-close').addEventListener('click', () => show($('global-error'), false));

  api.onTokenChange(updateTokenIndicator);
  setInterval(updateTokenIndicator, 1000);

  // Another tab logged out or in, or deleted the account: follow it.
  window.addEventListener('storage', (event) => {
    if (event.key === KEY_ACCOUNT_DELETED && state.view === 'app' && !api.hasSessionCookie()) {
      api.forgetTokens();
      showAuth({ notice: deletedNotice(null), mode: 'signup' });
    } else if (event.key === KEY_SIGNED_OUT && state.view === 'app' && !api.hasSessionCookie()) {
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
