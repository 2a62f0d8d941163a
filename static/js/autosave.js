/* Autosave of the self-assessment answers.
 *
 * On change (which fires when a field loses focus after an edit, or at once for a select) the answer's value,
 * comment and loaded version are POSTed to the form's data-autosave-url. The page is never re-rendered, so the
 * focus stays where the user is. Saves of one answer are chained so that each carries the version returned by
 * the previous one; a stale version (someone else saved) answers 409 and the conflict is shown next to the field.
 * Without JavaScript the form still works through its ordinary submit button.
 */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-autosave-url");
  var csrfInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var queues = {};

  function fields(code) {
    return {
      value: form.elements[code + "-value"],
      comment: form.elements[code + "-comment"],
      version: form.elements[code + "-version"]
    };
  }

  function setStatus(code, text, kind) {
    var el = form.querySelector('[data-status="' + code + '"]');
    if (el) {
      el.textContent = text;
      el.className = "sa-status" + (kind ? " " + kind : "");
    }
  }

  function setErrors(code, name, messages) {
    var box = form.querySelector('[data-errors="' + code + "-" + name + '"]');
    if (!box) {
      return;
    }
    while (box.firstChild) {
      box.removeChild(box.firstChild);
    }
    (messages || []).forEach(function (message) {
      var p = document.createElement("p");
      p.className = "error";
      p.setAttribute("role", "alert");
      p.textContent = message;
      box.appendChild(p);
    });
    var field = box.closest(".field");
    if (field) {
      field.classList.toggle("has-error", !!(messages && messages.length));
    }
  }

  function setWarning(code, text) {
    var el = form.querySelector('[data-warning="' + code + '"]');
    if (el) {
      el.textContent = text || "";
    }
  }

  function setProgress(progress, text) {
    var bar = document.querySelector("[data-progress-answered]");
    var label = document.querySelector("[data-progress-answered-text]");
    if (bar && progress) {
      bar.value = progress.answered;
      bar.max = progress.total;
    }
    if (label && text) {
      label.textContent = text;
    }
  }

  function save(code) {
    var f = fields(code);
    if (!f.value || !f.version) {
      return Promise.resolve();
    }
    var body = new FormData();
    body.append("code", code);
    body.append("value", f.value.value);
    body.append("comment", f.comment ? f.comment.value : "");
    body.append("version", f.version.value);
    setStatus(code, form.getAttribute("data-msg-saving"), "saving");
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch", Accept: "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { status: response.status, data: data };
        });
      })
      .then(function (result) {
        var data = result.data || {};
        if (data.ok) {
          f.version.value = data.version;
          setStatus(code, data.message, "ok");
          setErrors(code, "value", []);
          setErrors(code, "comment", []);
          setWarning(code, data.warning);
          setProgress(data.progress, data.progress_text);
        } else {
          var errors = data.errors || {};
          setStatus(code, data.message || "", data.conflict ? "conflict" : "error");
          setErrors(code, "value", errors.value);
          setErrors(code, "comment", errors.comment);
        }
      })
      .catch(function () {
        setStatus(code, form.getAttribute("data-msg-offline"), "error");
      });
  }

  function queue(code) {
    queues[code] = (queues[code] || Promise.resolve()).then(function () {
      return save(code);
    });
    return queues[code];
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    var code = target.getAttribute && target.getAttribute("data-code");
    if (code && target.hasAttribute("data-autosave")) {
      queue(code);
    }
  });

  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-use-proposal]") : null;
    if (!button) {
      return;
    }
    event.preventDefault();
    var code = button.getAttribute("data-use-proposal");
    var f = fields(code);
    if (!f.value) {
      return;
    }
    f.value.value = button.getAttribute("data-value");
    queue(code);
    f.value.focus();
  });

  // A normal submit while a save is under way would carry an old version: let the saves finish first.
  form.addEventListener("submit", function (event) {
    var pending = Object.keys(queues).map(function (code) {
      return queues[code];
    });
    if (!pending.length || form.getAttribute("data-flushed") === "1") {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter || null;
    Promise.all(pending).then(function () {
      queues = {};
      // The versions in the hidden fields are now those of the last saves.
      form.setAttribute("data-flushed", "1");
      if (form.requestSubmit) {
        form.requestSubmit(submitter);
      } else {
        form.submit();
      }
    });
  });
})();
