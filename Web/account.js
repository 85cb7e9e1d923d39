// Danger zone: deleting the account, in two steps. Step 1 asks for the password (nothing is sent);
// step 2 says what will be lost and only its button sends DELETE /v1/accounts/me. A wrong password
// brings the person back to step 1 with the server's explanation.
import * as api from './api.js';
import { ApiError, Problem } from './api.js';
import { storageGet, storageSet } from './storage.js';
import { $, busy, clearFieldErrors, hideToast, setAlert, show, watchFieldErrors } from './ui.js';
import { KEY_ACCOUNT_DELETED, KEY_EMAIL, report, showAuth, state } from './views.js';

let opener = null;

function setStep(step) {
  const dialog = $('delete-dialog');
  dialog.dataset.step = String(step);
  $('delete-step-label').textContent = `Step ${step} of 2`;
  $('delete-title').textContent = step === 1 ? 'Delete your account' : 'Delete everything for good?';
  show($('delete-step-1'), step === 1);
  show($('delete-step-2'), step === 2);
  if (step === 1) {
    const password = $('delete-password');
    password.focus();
    password.select();
  } else {
    // The safe choice has the focus: Enter or a stray click does not delete anything.
    $('delete-back').focus();
  }
}

function openDeletion(event) {
  opener = event.currentTarget;
  const form = $('delete-form');
  form.reset();
  clearFieldErrors(form);
  setAlert($('delete-error'), '');
  hideToast();
  $('delete-dialog').showModal();
  setStep(1);
}

function closeDeletion() {
  const dialog = $('delete-dialog');
  $('delete-password').value = '';
  if (dialog.open) dialog.close();
  if (opener && opener.isConnected) opener.focus();
  opener = null;
}

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

/** What step 2 lists: every session, the notes, the profile, the account and its history. */
function losses() {
  const items = [];
  const sessions = state.sessionCount;
  items.push(
    sessions && sessions > 1
      ? `Every session: you are logged out here and on ${plural(sessions - 1, 'other device', 'other devices')}.`
      : 'Every session: you are logged out here and on any other device.',
  );
  const notes = state.notes.length;
  if (state.cursor) items.push(`All your notes: more than ${plural(notes, 'note', 'notes')}.`);
  else if (notes > 0) items.push(`All your notes: ${plural(notes, 'note', 'notes')}.`);
  else items.push('All your notes (you have none right now).');
  const name = state.profile && state.profile.display_name;
  items.push(name ? `Your profile: the display name “${name}” and your bio.` : 'Your profile: display name and bio.');
  items.push('Your account, its password and its recent activity.');
  return items;
}

function onDeleteSubmit(event) {
  event.preventDefault();
  if ($('delete-dialog').dataset.step === '2') {
    confirmDeletion();
    return;
  }
  const form = $('delete-form');
  clearFieldErrors(form);
  setAlert($('delete-error'), '');
  if (!$('delete-password').value) {
    showPasswordError('Enter your password to continue.');
    return;
  }
  $('delete-losses').replaceChildren(
    ...losses().map((text) => {
      const item = document.createElement('li');
      item.textContent = text;
      return item;
    }),
  );
  setStep(2);
}

/** Puts `text` under the password field and focuses it. */
function showPasswordError(text) {
  const input = $('delete-password');
  const error = $('delete-password-error');
  error.textContent = text;
  error.hidden = false;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', error.id);
  input.focus();
}

function waitText(seconds) {
  if (seconds < 90) return `${Math.max(1, seconds)} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? 'a minute' : `${minutes} minutes`;
}

async function confirmDeletion() {
  const form = $('delete-form');
  const errorBox = $('delete-error');
  setAlert(errorBox, '');
  const email = storageGet(KEY_EMAIL);
  await busy($('delete-confirm'), async () => {
    try {
      await api.deleteAccount($('delete-password').value);
    } catch (error) {
      if (error instanceof ApiError && error.type === Problem.invalidCredentials) {
        // Nothing was deleted: back to the password, with the server's explanation.
        setAlert(errorBox, `${error.userMessage} Nothing was deleted.`);
        setStep(1);
        $('delete-password').setAttribute('aria-invalid', 'true');
        return;
      }
      if (error instanceof ApiError && error.status === 429) {
        const wait = error.retryAfter !== null ? ` Try again in ${waitText(error.retryAfter)}.` : ` ${error.userMessage}`;
        setAlert(errorBox, `Too many wrong passwords, so deleting the account is paused.${wait} Nothing was deleted.`);
        setStep(1);
        return;
      }
      // The session ended (report goes to the login screen), or anything else: shown here.
      report(error, errorBox, form);
      return;
    }
    closeDeletion();
    // Other tabs follow (app.js); the e-mail is not remembered for the next login any more.
    storageSet(KEY_ACCOUNT_DELETED, String(Date.now()));
    storageSet(KEY_EMAIL, null);
    $('auth-email').value = '';
    showAuth({ notice: deletedNotice(email), mode: 'signup' });
  });
}

export function deletedNotice(email) {
  const who = email ? `The account ${email} has been deleted` : 'Your account has been deleted';
  return `${who}: every session has ended, and your notes and profile are gone. You can sign up again with the same e-mail address, as a new account.`;
}

export function wireAccount() {
  watchFieldErrors($('delete-form'));
  $('delete-account-start').addEventListener('click', openDeletion);
  $('delete-form').addEventListener('submit', onDeleteSubmit);
  $('delete-cancel').addEventListener('click', closeDeletion);
  $('delete-back').addEventListener('click', () => {
    setAlert($('delete-error'), '');
    setStep(1);
  });
  $('delete-dialog').addEventListener('cancel', (event) => {
    event.preventDefault();
    if (!$('delete-confirm').disabled) closeDeletion();
  });
}
