// Log in / sign up: the form of the login screen.
import * as api from './api.js';
import { ApiError, Problem, SessionOverError } from './api.js';
import { storageSet } from './storage.js';
import { $, busy, clearFieldErrors, setAlert, showFieldErrors, toast, watchFieldErrors } from './ui.js';
import { KEY_EMAIL, KEY_SIGNED_IN, report, setAuthMode, showApp, state } from './views.js';

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

export function wireLogin() {
  $('mode-login').addEventListener('click', () => setAuthMode('login'));
  $('mode-signup').addEventListener('click', () => setAuthMode('signup'));
  $('auth-form').addEventListener('submit', onAuthSubmit);
  watchFieldErrors($('auth-form'));
  $('toggle-password').addEventListener('click', (event) => {
    const input = $('auth-password');
    const showing = input.type === 'text';
    input.type = showing ? 'password' : 'text';
    event.currentTarget.textContent = showing ? 'Show' : 'Hide';
    event.currentTarget.setAttribute('aria-pressed', String(!showing));
  });
}
