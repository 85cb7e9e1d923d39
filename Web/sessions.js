// Sessions: this account's sessions on every device, revoking one, logging out here or everywhere.
import * as api from './api.js';
import { ApiError, SessionOverError } from './api.js';
import { storageSet } from './storage.js';
import { $, busy, confirmAction, describeUserAgent, setAlert, timeElement, toast } from './ui.js';
import { KEY_SIGNED_OUT, onAppShown, report, showAuth, showGlobalError, state } from './views.js';

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

// The latest GET /v1/sessions, shared with the activity list (which marks the current session's events).
let sessionsLoad = null;

function fetchSessions() {
  sessionsLoad = api.listSessions();
  return sessionsLoad;
}

/** The id of this browser's session (from the latest sessions list), or null when it is not known. */
export async function currentSessionId() {
  try {
    const current = (await (sessionsLoad || fetchSessions())).find((session) => session.current);
    return current ? current.id : null;
  } catch {
    return null; // The sessions card reports its own errors.
  }
}

async function loadSessions() {
  const errorBox = $('sessions-error');
  setAlert(errorBox, '');
  try {
    const sessions = await fetchSessions();
    state.sessionCount = sessions.length;
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

export function wireSessions() {
  $('sessions-reload').addEventListener('click', (event) => busy(event.currentTarget, loadSessions));
  $('logout-everywhere').addEventListener('click', onLogoutEverywhere);
  $('logout-button').addEventListener('click', onLogout);
  onAppShown(loadSessions);
}
