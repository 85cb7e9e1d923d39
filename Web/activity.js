// Recent activity: the account's security events (GET /v1/accounts/me/events), newest first, a page
// at a time; the events of this browser's own session are marked.
import * as api from './api.js';
import { currentSessionId } from './sessions.js';
import { $, busy, describeUserAgent, setAlert, show, timeElement } from './ui.js';
import { onAppShown, report, state } from './views.js';

const ACTIVITY_PAGE_SIZE = 10;

// Each type the contract lists: what a person reads, and how much it should worry them
// (ok: you did it; info: a session ended; warn: look twice).
const EVENT_TYPES = {
  'signed-up': { label: 'Account created', tone: 'ok' },
  login: { label: 'Logged in', tone: 'ok' },
  'login-failed': { label: 'Wrong password entered', tone: 'warn' },
  'login-limited': { label: 'Login blocked after too many wrong passwords', tone: 'warn' },
  logout: { label: 'Logged out', tone: 'info' },
  'session-revoked': { label: 'A session was revoked', tone: 'info' },
  'sessions-revoked': { label: 'Logged out everywhere', tone: 'info' },
  'refresh-reuse': {
    label: 'Session ended: its renewal token was used twice',
    tone: 'warn',
    detail: 'A copy of that session’s token may have been taken, so the session was ended to protect you.',
  },
  'session-limit': { label: 'Oldest session ended (too many sessions)', tone: 'info' },
  'password-changed': { label: 'Password changed', tone: 'info' },
  'account-locked': { label: 'Account locked', tone: 'warn', admin: true },
  'account-unlocked': { label: 'Account unlocked', tone: 'info', admin: true },
  'admin-revoked': { label: 'Every session ended', tone: 'warn', admin: true },
  'dpop-key-mismatch': { label: 'Session renewal refused: wrong device key', tone: 'warn' },
};

function describeEvent(type) {
  return EVENT_TYPES[type] || { label: `Other event (${type})`, tone: 'info' };
}

function eventElement(event, currentId) {
  const item = $('activity-template').content.firstElementChild.cloneNode(true);
  const { label, tone, detail, admin } = describeEvent(event.type);
  item.dataset.eventId = event.id;
  item.dataset.type = event.type;
  item.dataset.tone = tone;
  item.querySelector('.activity-label').textContent = label;
  const current = Boolean(currentId && event.session_id === currentId);
  item.querySelector('.badge').hidden = !current;
  if (current) item.classList.add('activity-current');

  // When, from where, on what: an operator's action (or the server's) has no address and no device.
  const device = describeUserAgent(event.user_agent);
  const meta = [timeElement(event.at)];
  if (event.ip || event.user_agent) {
    meta.push(document.createTextNode(` · ${event.ip || 'unknown address'} · ${device}`));
  } else {
    meta.push(document.createTextNode(admin ? ' · by an administrator' : ' · by the service'));
  }
  item.querySelector('.activity-meta').replaceChildren(...meta);

  const note = item.querySelector('.activity-detail');
  note.textContent = detail || '';
  note.hidden = !detail;
  // The raw user agent too, unless the device's name above already says it all ("curl/8.5.0").
  const ua = item.querySelector('.activity-ua');
  ua.textContent = event.user_agent || '';
  ua.title = event.user_agent || '';
  ua.hidden = !event.user_agent || event.user_agent.toLowerCase().startsWith(device.toLowerCase());
  return item;
}

async function loadActivity({ reset }) {
  const errorBox = $('activity-error');
  const list = $('activity-list');
  setAlert(errorBox, '');
  try {
    const [page, currentId] = await Promise.all([
      api.listEvents(ACTIVITY_PAGE_SIZE, reset ? null : state.activityCursor),
      currentSessionId(),
    ]);
    const known = new Set(reset ? [] : [...list.children].map((item) => item.dataset.eventId));
    const fresh = (page.items || []).filter((event) => !known.has(event.id)).map((event) => eventElement(event, currentId));
    if (reset) list.replaceChildren(...fresh);
    else list.append(...fresh);
    state.activityCursor = page.next_cursor || null;
    show($('activity-empty'), list.children.length === 0);
    show($('activity-more'), Boolean(state.activityCursor));
  } catch (error) {
    report(error, errorBox);
  }
}

export function wireActivity() {
  $('activity-reload').addEventListener('click', (event) => busy(event.currentTarget, () => loadActivity({ reset: true })));
  $('activity-more').addEventListener('click', (event) => busy(event.currentTarget, () => loadActivity({ reset: false })));
  onAppShown(() => loadActivity({ reset: true }));
}
