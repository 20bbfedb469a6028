// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, move focus to the error summary so keyboard and screen reader users hear it.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
});

// A part of a page that cannot be fetched in place (an error, the network) is opened as the whole page instead,
// so the user sees what the server answered, as without JavaScript.
for (const failure of ["htmx:responseError", "htmx:sendError"]) {
  document.addEventListener(failure, (event) => window.location.assign(event.detail.pathInfo.finalRequestPath));
}

// A part of a form shown again in place (htmx) answers the form as it was when it was asked for. If the user has
// changed the form since, for example chosen a condition while the list was still being narrowed, showing that
// answer would undo the change: it is dropped, and the part is asked for again with the form as it is now.
(() => {
  const state = (form) => new URLSearchParams(new FormData(form)).toString();
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt.closest("form");
    if (form) {
      event.detail.xhr.vegviserSent = state(form);
    }
  });
  document.addEventListener("htmx:beforeSwap", (event) => {
    const { elt, xhr, target, requestConfig } = event.detail;
    const form = elt.closest("form");
    if (!form || xhr.vegviserSent === undefined || !form.contains(target) || state(form) === xhr.vegviserSent) {
      return;
    }
    event.detail.shouldSwap = false;
    htmx.ajax(requestConfig.verb, requestConfig.path, { source: elt });
  });
})();

// Idle sessions end after SESSION_COOKIE_AGE seconds. Two minutes before, warn and offer to stay; after, say
// so without leaving the page, so that nothing typed is lost.
(() => {
  const body = document.body;
  const seconds = Number(body.dataset.sessionSeconds || 0);
  const warning = document.querySelector("[data-session-warning]");
  if (!seconds || !warning) {
    return;
  }
  const expiring = warning.querySelector("[data-session-expiring]");
  const expired = warning.querySelector("[data-session-expired]");
  const stay = warning.querySelector("[data-session-stay]");
  const warnBefore = Math.min(120, seconds / 2);
  let warnTimer;
  let expireTimer;

  const start = () => {
    clearTimeout(warnTimer);
    clearTimeout(expireTimer);
    warning.hidden = true;
    warnTimer = setTimeout(() => {
      warning.hidden = false;
      stay.focus();
    }, (seconds - warnBefore) * 1000);
    expireTimer = setTimeout(() => {
      expiring.hidden = true;
      stay.hidden = true;
      expired.hidden = false;
    }, seconds * 1000);
  };

  // A part of the page fetched in place (htmx) has renewed the session as a whole page would.
  body.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) {
      start();
    }
  });
  stay.addEventListener("click", async () => {
    const response = await fetch(body.dataset.keepaliveUrl, { credentials: "same-origin", redirect: "manual" });
    if (response.status === 204) {
      start();
    } else {
      expiring.hidden = true;
      stay.hidden = true;
      expired.hidden = false;
    }
  });
  start();
})();

// Drafts: a form marked data-draft keeps what is typed in this tab's sessionStorage (gone when the tab
// closes, so health data does not stay on a shared computer), and offers it back when the form is opened
// again, for example after logging in anew. A draft is dropped only once a save is confirmed.
(() => {
  const user = document.body.dataset.user;
  const offer = document.getElementById("draft-offer");
  if (!user || !offer || !window.sessionStorage) {
    return;
  }
  const prefix = `vegviser-draft:${user}:`;
  const pending = `${prefix}pending`;

  // The page after a submit: a success message means the draft was saved, so it can go.
  const submitted = sessionStorage.getItem(pending);
  if (submitted) {
    sessionStorage.removeItem(pending);
    if (document.querySelector('[data-message-level="success"]')) {
      sessionStorage.removeItem(prefix + submitted);
    }
  }

  const fields = (form) =>
    Array.from(form.elements).filter(
      (field) => field.name && field.name !== "csrfmiddlewaretoken" && field.type !== "hidden" && field.type !== "file",
    );
  const read = (form) => {
    const values = {};
    for (const field of fields(form)) {
      if (field.type === "checkbox" || field.type === "radio") {
        values[`${field.name}=${field.value}`] = field.checked;
      } else {
        values[field.name] = field.value;
      }
    }
    return values;
  };
  const write = (form, values) => {
    for (const field of fields(form)) {
      if (field.type === "checkbox" || field.type === "radio") {
        const key = `${field.name}=${field.value}`;
        if (key in values) field.checked = values[key];
      } else if (field.name in values) {
        field.value = values[field.name];
      }
    }
  };
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  for (const form of document.querySelectorAll("form[data-draft]")) {
    const key = prefix + form.dataset.draft;
    const initial = read(form);
    const stored = sessionStorage.getItem(key);
    if (stored) {
      const draft = JSON.parse(stored);
      if (!same(draft.values, initial)) {
        const notice = offer.content.firstElementChild.cloneNode(true);
        notice.querySelector("[data-draft-time]").textContent = new Date(draft.at).toLocaleTimeString(
          document.documentElement.lang,
          { hour: "2-digit", minute: "2-digit" },
        );
        notice.querySelector("[data-draft-restore]").addEventListener("click", () => {
          write(form, draft.values);
          notice.remove();
          fields(form)[0]?.focus();
        });
        notice.querySelector("[data-draft-discard]").addEventListener("click", () => {
          sessionStorage.removeItem(key);
          notice.remove();
        });
        form.before(notice);
      }
    }
    form.addEventListener("input", () => {
      const values = read(form);
      if (same(values, initial)) {
        sessionStorage.removeItem(key);
      } else {
        sessionStorage.setItem(key, JSON.stringify({ at: Date.now(), values }));
      }
    });
    form.addEventListener("submit", () => sessionStorage.setItem(pending, form.dataset.draft));
  }
})();

// A create form is sent once: a second click while the first is on its way does nothing. The server makes sure
// of it anyway (the form's one-time token); this spares the user a second wait. Coming back to the page from the
// history makes the form usable again.
(() => {
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.querySelector("input[name='submission']")) {
      return;
    }
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "true";
    for (const button of form.querySelectorAll("button[type='submit'], button:not([type])")) {
      button.setAttribute("aria-disabled", "true");
    }
  });
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) {
      return;
    }
    for (const form of document.querySelectorAll("form[data-sending]")) {
      delete form.dataset.sending;
      for (const button of form.querySelectorAll("[aria-disabled='true']")) {
        button.removeAttribute("aria-disabled");
      }
    }
  });
})();

// Code suggestions: a text field with a <datalist> and data-code-suggestions (the address of the code search)
// is offered the codes matching what is typed after its last comma: the beginning of a code or words of its
// name. Each suggestion keeps the codes typed before it. Without this the field is plain text, checked when sent.
(() => {
  for (const input of document.querySelectorAll("input[data-code-suggestions][list]")) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) {
      continue;
    }
    const systemField = input.dataset.codeSystemField;
    const system = () => {
      const chosen = systemField && input.form?.querySelector(`[name="${systemField}"]:checked`);
      return chosen ? chosen.value : "";
    };
    let timer;
    let latest = 0;
    const suggest = async () => {
      const value = input.value;
      const cut = Math.max(value.lastIndexOf(","), value.lastIndexOf(";"));
      const before = cut >= 0 ? `${value.slice(0, cut + 1).trimEnd()} ` : "";
      const term = value.slice(cut + 1).trim();
      const asked = ++latest;
      if (term.length < 2) {
        list.replaceChildren();
        return;
      }
      const address = new URL(input.dataset.codeSuggestions, window.location.href);
      const query = new URLSearchParams({ q: term });
      if (system()) {
        query.set("system", system());
      }
      address.search = query.toString();
      try {
        const response = await fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok || asked !== latest) {
          return;
        }
        const { results } = await response.json();
        list.replaceChildren(
          ...results.map(({ code, name }) => {
            const option = document.createElement("option");
            option.value = `${before}${code}`;
            option.textContent = `${code} ${name}`;
            return option;
          }),
        );
      } catch {
        // No suggestions, and the field works as typed.
      }
    };
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(suggest, 250);
    });
    input.form?.addEventListener("change", (event) => {
      if (event.target.name === systemField) {
        list.replaceChildren();
      }
    });
  }
})();
