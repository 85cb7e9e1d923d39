// Small DOM helpers. User content only ever goes in through textContent or attributes.

export const $ = (id) => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element;
};

export function show(element, visible = true) {
  element.hidden = !visible;
}

/** Shows `text` in an alert box (or hides it when text is empty). */
export function setAlert(element, text, kind = null) {
  element.textContent = text || '';
  element.hidden = !text;
  if (kind) element.dataset.kind = kind;
  else delete element.dataset.kind;
}

// ------------------------------------------------------------------------------------------------
// Field errors: a <p class="field-error" id="INPUTID-error"> next to each input
// ------------------------------------------------------------------------------------------------

function errorElementFor(input) {
  return document.getElementById(`${input.id}-error`);
}

export function clearFieldErrors(form) {
  for (const input of form.querySelectorAll('input, textarea')) {
    input.removeAttribute('aria-invalid');
    const error = errorElementFor(input);
    if (error) {
      error.textContent = '';
      error.hidden = true;
    }
    const hint = document.getElementById(`${input.id}-hint`);
    input.setAttribute('aria-describedby', hint && !hint.hidden ? hint.id : '');
    if (!input.getAttribute('aria-describedby')) input.removeAttribute('aria-describedby');
  }
}

/** Once the person edits a field, its error message goes (it may no longer apply). */
export function watchFieldErrors(form) {
  form.addEventListener('input', (event) => {
    const input = event.target;
    if (!(input instanceof HTMLElement) || input.getAttribute('aria-invalid') !== 'true') return;
    input.removeAttribute('aria-invalid');
    const error = errorElementFor(input);
    if (error) {
      error.textContent = '';
      error.hidden = true;
      const described = (input.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id !== error.id);
      if (described.length) input.setAttribute('aria-describedby', described.join(' '));
      else input.removeAttribute('aria-describedby');
    }
    // The form's summary ("The request has invalid fields.") goes with the last field error.
    const summary = form.querySelector('.alert-error[data-kind="validation"]');
    if (summary && !form.querySelector('[aria-invalid="true"]')) {
      summary.hidden = true;
      summary.textContent = '';
      delete summary.dataset.kind;
    }
  });
}

/** Puts each `{field, message}` next to its input; returns the ones that have no input here. */
export function showFieldErrors(form, errors) {
  const unplaced = [];
  let first = null;
  for (const { field, message } of errors) {
    const input = form.elements.namedItem(field);
    const error = input instanceof HTMLElement ? errorElementFor(input) : null;
    if (!error) {
      unplaced.push({ field, message });
      continue;
    }
    error.textContent = error.textContent ? `${error.textContent} ${message}` : capitalise(message);
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    const described = new Set((input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
    described.add(error.id);
    input.setAttribute('aria-describedby', [...described].join(' '));
    first = first || input;
  }
  if (first) first.focus();
  return unplaced;
}

function capitalise(text) {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/** Runs `task` with `button` disabled and busy, so a double click does not send twice. */
export async function busy(button, task) {
  const wasDisabled = button.disabled;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await task();
  } finally {
    button.disabled = wasDisabled;
    button.removeAttribute('aria-busy');
  }
}

// ------------------------------------------------------------------------------------------------
// Toast
// ------------------------------------------------------------------------------------------------

let toastTimer = null;
export function hideToast() {
  clearTimeout(toastTimer);
  const element = $('toast');
  element.classList.remove('toast-visible');
  element.hidden = true;
}

export function toast(text) {
  const element = $('toast');
  element.textContent = text;
  element.hidden = false;
  element.classList.add('toast-visible');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    element.classList.remove('toast-visible');
    element.hidden = true;
  }, 3500);
}

// ------------------------------------------------------------------------------------------------
// Confirm dialog
// ------------------------------------------------------------------------------------------------

/** Asks a yes/no question in a modal dialog; resolves true when confirmed. */
export function confirmAction({ title, text, confirmLabel }) {
  const dialog = $('confirm-dialog');
  const ok = $('confirm-ok');
  const cancel = $('confirm-cancel');
  const opener = document.activeElement;
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  ok.textContent = confirmLabel;
  return new Promise((resolve) => {
    const finish = (answer) => {
      ok.removeEventListener('click', onOk);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('close', onClose);
      if (dialog.open) dialog.close();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(answer);
    };
    const onOk = () => finish(true);
    const onCancel = () => finish(false);
    const onClose = () => finish(false);
    ok.addEventListener('click', onOk);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    cancel.focus();
  });
}

// ------------------------------------------------------------------------------------------------
// Formatting
// ------------------------------------------------------------------------------------------------

const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absoluteFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function relativeTime(iso) {
  if (!iso) return 'never';
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return String(iso);
  const seconds = Math.round((then.getTime() - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return relativeFormat.format(0, 'second');
  if (abs < 45 * 60) return relativeFormat.format(Math.round(seconds / 60), 'minute');
  if (abs < 22 * 3600) return relativeFormat.format(Math.round(seconds / 3600), 'hour');
  if (abs < 26 * 86400) return relativeFormat.format(Math.round(seconds / 86400), 'day');
  return absoluteFormat.format(then);
}

export function absoluteTime(iso) {
  const then = new Date(iso);
  return Number.isNaN(then.getTime()) ? String(iso) : absoluteFormat.format(then);
}

/** A <time> element: relative text, the exact moment as its title. */
export function timeElement(iso) {
  const element = document.createElement('time');
  if (iso) {
    element.dateTime = iso;
    element.title = absoluteTime(iso);
  }
  element.textContent = relativeTime(iso);
  return element;
}

/** "Chrome on Linux" from a User-Agent header; the raw string when nothing matches. */
export function describeUserAgent(ua) {
  if (!ua) return 'Unknown device';
  const browsers = [
    [/Edg\//, 'Edge'],
    [/OPR\//, 'Opera'],
    [/Firefox\//, 'Firefox'],
    [/HeadlessChrome\//, 'Headless Chrome'],
    [/Chrom(e|ium)\//, 'Chrome'],
    [/Safari\//, 'Safari'],
    [/^curl\//, 'curl'],
  ];
  const systems = [
    [/Windows/, 'Windows'],
    [/iPhone|iPad|iPod/, 'iOS'],
    [/Mac OS X|Macintosh/, 'macOS'],
    [/Android/, 'Android'],
    [/CrOS/, 'ChromeOS'],
    [/Linux/, 'Linux'],
  ];
  const browser = browsers.find(([pattern]) => pattern.test(ua));
  const system = systems.find(([pattern]) => pattern.test(ua));
  if (browser && system) return `${browser[1]} on ${system[1]}`;
  if (browser) return browser[1];
  if (system) return `Browser on ${system[1]}`;
  return ua.length > 60 ? `${ua.slice(0, 57)}…` : ua;
}

export function formatCountdown(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const minutes = Math.floor(s / 60);
  const rest = String(s % 60).padStart(2, '0');
  return `${minutes}:${rest}`;
}
