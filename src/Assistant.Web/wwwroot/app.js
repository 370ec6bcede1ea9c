// Remembers on the tablet who is using it and which conversation was open, so a lost session comes back.
window.assistantStorage = {
    get: key => window.localStorage.getItem(key),
    set: (key, value) => value === null ? window.localStorage.removeItem(key) : window.localStorage.setItem(key, value),
};
