// localStorage that never throws: with storage disabled the page still works, its tabs just do
// not hear of each other (and cross-tab coordination falls back to "retry and see").

export function storageGet(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function storageSet(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Storage disabled: see above.
  }
}
