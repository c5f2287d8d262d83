// The driver's route page on the road: checks a pickup against its booking as the driver types
// or scans, sends each confirmation with an Idempotency-Key, and in a dead zone keeps it on the
// phone (localStorage) marked "not sent yet" until the phone is back online. The page itself is
// kept by the service worker (/driver/sw.js). Messages appear beside the stop, as text only.
// Each queued confirmation belongs to the driver who made it: only theirs are sent under their
// login; another driver's wait for them (or are discarded here, by choice).
// A refusal that names a field (the server's `field`, or the page's own check) is said beside
// that field, what was typed kept, and the field brought into view with the focus on it.
(function () {
  "use strict";
  var QUEUE = "lithloop.driver.queue";
  var SENT = "lithloop.driver.sent";
  var T = {};
  var ME = { id: "", name: "" };
  var flushing = false;

  function text(key, params) {
    var s = T[key] || key;
    Object.keys(params || {}).forEach(function (k) { s = s.split("%(" + k + ")s").join(String(params[k])); });
    return s;
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function readQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function writeQueue(items) { localStorage.setItem(QUEUE, JSON.stringify(items)); }
  function mine(item) { return ME.id !== "" && String(item.user) === ME.id; }
  function myQueue() { return readQueue().filter(mine); }
  function othersQueue() { return readQueue().filter(function (q) { return !mine(q); }); }

  function say(stopId, message, kind) {
    var box = document.getElementById("msg-" + stopId);
    if (!box) { return; }
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "flash " + (kind || "success");
    p.setAttribute("role", kind === "error" ? "alert" : "status");
    p.textContent = message;
    box.appendChild(p);
    var stop = document.getElementById("stop-" + stopId);
    if (stop) { stop.open = true; box.scrollIntoView({ block: "nearest" }); }
  }

  // A number as the server reads it (strict_input.parse_amount after codes.fold_full_width):
  // a Chinese keyboard's full-width forms (１２６０, ，, ．) as ASCII and nothing else folded
  // (², ٣ stay unreadable, as there); a comma only between groups of three (1,260, not 0,5).
  var AMOUNT = /^[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)$/;
  function foldFullWidth(s) {
    return s.replace(/[\uFF01-\uFF5E]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); });
  }
  function readAmount(raw) {
    var s = foldFullWidth(String(raw == null ? "" : raw)).trim();
    return AMOUNT.test(s) ? parseFloat(s.replace(/,/g, "")) : NaN;
  }

  // Field errors: one <p class="error"> at the end of the field's box, as the server renders it
  function controlOf(form, name) {
    var control = name && form && form.elements[name];
    return control && control.nodeType === 1 ? control : null;
  }
  function clearFieldError(control) {
    var box = control.closest(".field");
    if (box) {
      box.classList.remove("has-error");
      box.querySelectorAll(".error").forEach(function (e) { e.remove(); });
    }
    control.removeAttribute("aria-invalid");
    control.removeAttribute("aria-describedby");
  }
  function clearFormErrors(form) {
    Array.prototype.forEach.call(form.elements, function (c) { if (c.name) { clearFieldError(c); } });
    var box = document.getElementById("msg-" + form.dataset.stop);
    if (box) { box.textContent = ""; }
  }
  // Says `message` beside the form's field `name`; false when the form has no such field.
  function fieldError(form, name, message, focus) {
    var control = controlOf(form, name);
    if (!control) { return false; }
    clearFieldError(control);
    var box = control.closest(".field") || control.parentNode;
    var p = document.createElement("p");
    p.className = "error";
    p.setAttribute("role", "alert");
    p.id = "err-" + form.dataset.stop + "-" + form.dataset.action + "-" + name;
    p.textContent = message;
    box.appendChild(p);
    box.classList.add("has-error");
    control.setAttribute("aria-invalid", "true");
    control.setAttribute("aria-describedby", p.id);
    for (var d = control.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) {
      d.open = true;  // the stop, and "Cannot pick up?" around the exception form
    }
    if (focus) { control.focus({ preventScroll: true }); }
    box.scrollIntoView({ block: "center" });
    return true;
  }
  // A refusal of `form`'s confirmation: beside its field, else at the top of the stop
  function refused(form, stopId, body, focus) {
    var message = (body && body.message) || text("failed");
    if (!fieldError(form, body && body.field, message, focus)) { say(stopId, message, "error"); }
  }
  // What was typed into a confirmation kept on the phone, back in its form
  function restore(form, fields) {
    fields.forEach(function (pair) {
      var control = controlOf(form, pair[0]);
      if (control && control.type !== "file") { control.value = pair[1]; }
    });
  }

  function markOthers() {
    var box = document.getElementById("others-queue");
    if (!box) { return; }
    var others = othersQueue();
    if (!others.length) { box.hidden = true; return; }
    var who = [];
    others.forEach(function (q) { var n = q.userName || text("someone"); if (who.indexOf(n) < 0) { who.push(n); } });
    box.querySelector("p").textContent = text("others", { n: others.length, who: who.join(T.sep || ", ") });
    box.hidden = false;
  }

  function discardOthers() {
    var n = othersQueue().length;
    writeQueue(myQueue());
    markQueued();
    var status = document.getElementById("sync-status");
    if (status && n) {
      status.textContent = text("discarded", { n: n });
      status.className = "sync-status flash success";
      status.hidden = false;
    }
  }

  function markQueued() {
    markOthers();
    var items = myQueue();
    document.querySelectorAll(".driver-stop .chip.queued").forEach(function (c) { c.hidden = true; });
    document.querySelectorAll("form.driver-action.is-queued").forEach(function (f) { f.classList.remove("is-queued"); });
    items.forEach(function (item) {
      var chip = document.querySelector("#stop-" + item.stop + " .chip.queued");
      if (chip) { chip.hidden = false; }
      var form = document.querySelector("#stop-" + item.stop + " form[data-action='" + item.action + "']");
      if (form) { form.classList.add("is-queued"); }
    });
    var status = document.getElementById("sync-status");
    if (!status) { return; }
    var sent = sessionStorage.getItem(SENT);
    if (items.length) {
      status.textContent = text("queued", { n: items.length });
      status.className = "sync-status flash warning";
      status.hidden = false;
    } else if (sent) {
      status.textContent = text("sent", { n: sent });
      status.className = "sync-status flash success";
      status.hidden = false;
      sessionStorage.removeItem(SENT);
    } else {
      status.hidden = true;
    }
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }

  function freshToken() {
    return fetch(location.pathname, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var input = doc.querySelector("input[name=csrf_token]");
        var token = input ? input.value : "";
        document.querySelectorAll("input[name=csrf_token]").forEach(function (i) { i.value = token; });
        return token;
      });
  }

  // A field edited after a refusal: its message goes (it spoke of what was there before)
  function onEdit(event) {
    var control = event.target;
    if (control.form && control.form.classList.contains("driver-action") && control.getAttribute("aria-invalid")) {
      clearFieldError(control);
    }
  }

  // POST one confirmation; resolves {ok, status, body}; rejects on a network failure
  function send(item, token) {
    var data = new URLSearchParams();
    item.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    data.set("csrf_token", token || csrfToken());
    data.set("idempotency_key", item.key);
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "Idempotency-Key": item.key, "X-CSRFToken": token || csrfToken() },
      body: data
    }).then(function (r) {
      var json = (r.headers.get("Content-Type") || "").indexOf("json") >= 0;
      return (json ? r.json() : Promise.resolve({})).then(function (body) {
        return { ok: r.ok, status: r.status, json: json, body: body };
      });
    }).then(function (res) {
      if (res.status === 400 && !res.json && !token) {  // the form expired: new token, once
        return freshToken().then(function (t) { return send(item, t); });
      }
      return res;
    });
  }

  function flush() {
    if (flushing || !navigator.onLine) { return Promise.resolve(); }
    var items = myQueue();
    if (!items.length) { return Promise.resolve(); }
    flushing = true;
    var sent = 0;
    function next() {
      var queue = myQueue();  // another driver's confirmations are never sent under this login
      if (!queue.length) { return Promise.resolve(); }
      var item = queue[0];
      return send(item).then(function (res) {
        writeQueue(readQueue().filter(function (q) { return q.key !== item.key; }));
        if (res.ok) { sent += 1; } else {
          var form = document.querySelector("#stop-" + item.stop + " form[data-action='" + item.action + "']");
          if (form) {  // refused: what was typed, to correct, with its ticks and warnings
            restore(form, item.fields);
            checkPickup(form, false);
          }
          refused(form, item.stop, res.body, false);
        }
        return next();
      });
    }
    return next().catch(function () { /* still no network: keep the rest queued */ })
      .then(function () {
        flushing = false;
        markQueued();
        if (sent && !myQueue().length) {
          sessionStorage.setItem(SENT, String(sent));
          location.reload();
        }
      });
  }

  function enqueue(form, fields) {
    var stop = form.dataset.stop;
    var items = readQueue();
    items.push({ key: form.elements.idempotency_key.value, url: form.action, stop: stop,
      action: form.dataset.action, fields: fields, at: new Date().toISOString(),
      user: ME.id, userName: ME.name });
    writeQueue(items);
    markQueued();
    say(stop, text("kept"), "warning");  // stays open where the driver tapped; the chip shows folded
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("driver-action")) { return; }
    if (event.defaultPrevented) { return; }  // not confirmed (confirm.js: data-confirm)
    event.preventDefault();
    if (form.classList.contains("is-queued")) { say(form.dataset.stop, text("kept"), "warning"); return; }
    clearFormErrors(form);
    if (!checkPickup(form, true) || !checkException(form)) { return; }  // before queueing too
    if (!form.elements.idempotency_key.value) { form.elements.idempotency_key.value = newKey(); }
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && typeof value === "string") { fields.push([name, value]); }
    });
    var item = { key: form.elements.idempotency_key.value, url: form.action, stop: form.dataset.stop,
      action: form.dataset.action, fields: fields };
    if (!navigator.onLine) { enqueue(form, fields); return; }
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    send(item).then(function (res) {
      if (button) { button.disabled = false; }
      if (res.ok) {
        location.assign(location.pathname + "?done=" + item.stop + "&said=" + item.action + "#stop-" + item.stop);
        return;
      }
      refused(form, item.stop, res.body, true);
    }).catch(function () {
      if (button) { button.disabled = false; }
      enqueue(form, fields);
    });
  }

  // The exception needs a reason chosen, and a note for the reasons the server asks one
  // for (data-note-needed): asked for here, or a queued one would fail later
  function checkException(form) {
    if (form.dataset.action !== "exception") { return true; }
    var reason = form.elements.reason;
    if (!reason.value) {
      fieldError(form, "reason", text("reason"), true);
      return false;
    }
    var option = reason.options[reason.selectedIndex];
    if (option && option.hasAttribute("data-note-needed") && !form.elements.note.value.trim()) {
      fieldError(form, "note", text("describe"), true);
      return false;
    }
    return true;
  }

  // The pickup against the booking: ticks the expected codes, warns about missing and
  // unexpected ones and a weighed mass beyond the tolerance, and then asks for a note.
  function codesOf(form) {
    return form.elements.codes.value.split(/[\s,，;；]+/).map(function (c) { return c.trim().toUpperCase(); })
      .filter(function (c) { return c; });
  }
  function checkPickup(form, submitting) {
    if (form.dataset.action !== "pickup") { return true; }
    var box = form.querySelector(".expected");
    var expected = JSON.parse(box.dataset.expected || "[]");
    var booked = parseFloat(box.dataset.bookedKg), tolerance = parseFloat(box.dataset.tolerance);
    var loaded = codesOf(form);
    var ticked = 0;
    box.querySelectorAll("li[data-code]").forEach(function (li) {
      var hit = loaded.indexOf(li.dataset.code) >= 0;
      li.classList.toggle("ticked", hit);
      if (hit) { ticked += 1; }
    });
    box.querySelector("[data-count]").textContent = ticked + "/" + expected.length;
    var problems = [];
    var missing = expected.filter(function (c) { return loaded.indexOf(c) < 0; });
    var unexpected = expected.length ? loaded.filter(function (c) { return expected.indexOf(c) < 0; }) : [];
    var mass = readAmount(form.elements.mass_kg.value);
    if (mass > 0 && booked > 0) {
      var off = (mass - booked) / booked * 100;
      if (Math.abs(off) > tolerance) {
        // grouped like the page's amounts; a slip of extra digits is "over +9,999 %", never
        // a percentage of twenty digits
        var shown = off >= 10000 ? "> +9,999" : (off > 0 ? "+" : "") +
          off.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
        problems.push(text("mass", { p: shown + " %", t: tolerance + " %", b: Math.round(booked).toLocaleString("en-US") }));
      }
    }
    if (missing.length && (loaded.length || submitting)) {
      problems.push(text(missing.length === 1 ? "missing1" : "missing", { n: missing.length, c: missing.slice(0, 5).join(T.sep || ", ") }));
    }
    if (unexpected.length) {
      problems.push(text(unexpected.length === 1 ? "unexpected1" : "unexpected", { n: unexpected.length, c: unexpected.slice(0, 5).join(T.sep || ", ") }));
    }
    var warning = form.querySelector(".check-warning");
    var note = form.elements.note;
    warning.textContent = "";
    problems.forEach(function (p) {
      var line = document.createElement("p");
      line.textContent = p;
      warning.appendChild(line);
    });
    if (problems.length) {
      var ask = document.createElement("p");
      ask.className = "ask-note";
      ask.textContent = text("note");
      warning.appendChild(ask);
    }
    warning.hidden = !problems.length;
    note.required = problems.length > 0;
    if (submitting && problems.length && !note.value.trim()) {
      note.setAttribute("aria-invalid", "true");
      note.focus();
      warning.scrollIntoView({ block: "nearest" });
      return false;
    }
    return true;
  }

  function addCodes(form, codes) {
    var have = codesOf(form);
    var fresh = codes.filter(function (c) { return have.indexOf(c) < 0; });
    if (fresh.length) {
      var area = form.elements.codes;
      area.value = (area.value.trim() ? area.value.trim() + "\n" : "") + fresh.join("\n");
      if (navigator.vibrate) { navigator.vibrate(80); }
    }
    checkPickup(form, false);
    return fresh;
  }

  function wireScanning(form) {
    var status = form.querySelector(".scan-status");
    var file = form.querySelector(".scan-file");
    var camera = form.querySelector(".scan-camera");
    var video = form.querySelector(".scan-video");
    var session = null;
    function report(codes) {
      var fresh = addCodes(form, codes);
      status.textContent = fresh.length ? text("read", { c: fresh.join(T.sep || ", ") }) : text("again", { c: codes.join(T.sep || ", ") });
    }
    if (file) {
      file.addEventListener("change", function () {
        if (!file.files.length || !window.LithloopScan) { return; }
        status.textContent = text("reading");
        window.LithloopScan.decodeFile(file.files[0]).then(function (codes) {
          if (codes.length) { report(codes); } else { status.textContent = text("none"); }
          file.value = "";
        }).catch(function () { status.textContent = text("none"); });
      });
    }
    if (camera) {
      if (!window.LithloopScan || !window.LithloopScan.hasCamera()) { camera.hidden = true; return; }
      camera.addEventListener("click", function () {
        if (session) { session.stop(); session = null; camera.textContent = text("camera"); return; }
        session = window.LithloopScan.startCamera(video, report);
        camera.textContent = text("stop");
        session.started.catch(function () {
          status.textContent = text("nocamera");
          session = null;
          camera.textContent = text("camera");
        });
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = document.getElementById("driver-text");
    if (data) {
      T = JSON.parse(data.dataset.text);
      ME = { id: data.dataset.user || "", name: data.dataset.userName || "" };
    }
    document.addEventListener("submit", onSubmit);
    document.addEventListener("input", onEdit);
    document.addEventListener("change", onEdit);
    var discard = document.getElementById("discard-others");
    if (discard) { discard.addEventListener("click", discardOthers); }
    document.querySelectorAll("form.driver-action[data-action=pickup]").forEach(function (form) {
      form.addEventListener("input", function () { checkPickup(form, false); });
      wireScanning(form);
      checkPickup(form, false);
    });
    markQueued();
    window.addEventListener("online", flush);
    window.addEventListener("offline", markQueued);
    setInterval(flush, 20000);
    flush();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(new URL("sw.js", location.origin + location.pathname).pathname)
        .catch(function () { /* the page still works online */ });
    }
  });
})();
