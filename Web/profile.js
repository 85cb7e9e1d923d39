// Profile: display name and bio.
import * as api from './api.js';
import { $, busy, clearFieldErrors, setAlert, timeElement, toast, watchFieldErrors } from './ui.js';
import { onAppShown, report, state, updateWhoAmI } from './views.js';

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

export function wireProfile() {
  watchFieldErrors($('profile-form'));
  $('profile-form').addEventListener('submit', onSaveProfile);
  $('profile-bio').addEventListener('input', updateBioCount);
  onAppShown(loadProfile);
}
