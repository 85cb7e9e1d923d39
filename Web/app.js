// Latchkey web demo: log in / sign up, notes, profile, sessions. Cookie mode only. The entry point
// (index.html loads it as a module): wires each part of the page, then shows the screen that fits.
//
//   views.js     the state, the two screens, errors, the token countdown
//   login.js     log in / sign up          notes.js, profile.js, sessions.js   the app's three parts
//   api.js       the API client (http.js, tokens.js, and refresh.js: one refresh per browser)
//   ui.js        small DOM helpers          storage.js   localStorage that never throws
import * as api from './api.js';
import { wireLogin } from './login.js';
import { wireNotes } from './notes.js';
import { wireProfile } from './profile.js';
import { wireSessions } from './sessions.js';
import { $, show } from './ui.js';
import { KEY_SIGNED_IN, KEY_SIGNED_OUT, showApp, showAuth, state, updateTokenIndicator } from './views.js';

function wire() {
  wireLogin();
  // The order the app's parts load in when it is shown: notes, profile, sessions.
  wireNotes();
  wireProfile();
  wireSessions();
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
