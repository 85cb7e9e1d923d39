// Notes: the list (a page at a time), adding one, the edit dialog (with the ETag: a change made
// elsewhere meanwhile is shown, not overwritten) and deleting.
import * as api from './api.js';
import { ApiError } from './api.js';
import { $, busy, clearFieldErrors, confirmAction, setAlert, show, showFieldErrors, timeElement, toast, watchFieldErrors } from './ui.js';
import { onAppShown, report, state } from './views.js';

const NOTES_PAGE_SIZE = 10;

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

export function wireNotes() {
  for (const id of ['note-create-form', 'note-edit-form']) watchFieldErrors($(id));
  $('note-create-form').addEventListener('submit', onCreateNote);
  $('notes-reload').addEventListener('click', (event) => busy(event.currentTarget, () => loadNotes({ reset: true })));
  $('notes-more').addEventListener('click', (event) => busy(event.currentTarget, () => loadNotes({ reset: false })));
  $('note-edit-form').addEventListener('submit', onSaveNote);
  $('note-edit-cancel').addEventListener('click', closeEditor);
  $('note-dialog').addEventListener('cancel', (event) => {
    event.preventDefault();
    closeEditor();
  });
  onAppShown(() => loadNotes({ reset: true }));
}
