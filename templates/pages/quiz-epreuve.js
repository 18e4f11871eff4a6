// The candidate's page of a sitting. Each answer is sent when a box is ticked and shown
// "enregistrée" only once the server says it is on disk; an answer not saved stays on screen
// as not saved and is sent again until it is. The page never rebuilds itself: the timer and
// the counts change in place, the focus stays where it is.
(function () {
  'use strict';
  var root = document.querySelector('.quiz');
  if (!root) return;
  var csrf = root.getAttribute('data-csrf');
  var count = Number(root.getAttribute('data-count'));
  var closed = root.hasAttribute('data-closed');
  var deadline = performance.now() + Number(root.getAttribute('data-left'));
  var pending = {};      // number -> letters not yet saved
  var inFlight = {};     // number -> true while a request is under way
  var retryDelay = {};   // number -> next wait in ms
  var warned = {};
  var timer = document.getElementById('temps');
  var announce = document.getElementById('annonce');
  var banner = document.getElementById('alerte-reseau');

  function say(text) {
    announce.textContent = '';
    // A new node each time so that screen readers announce the same sentence twice.
    window.setTimeout(function () { announce.textContent = text; }, 50);
  }

  function letters(fieldset) {
    var out = '';
    fieldset.querySelectorAll('input').forEach(function (i) { if (i.checked) out += i.value; });
    return out;
  }

  function status(number, text, bad) {
    var p = document.getElementById('s' + number);
    if (!p) return;
    p.textContent = text;
    p.className = bad ? 'save ko' : 'save';
  }

  function unsavedCount() { return Object.keys(pending).length; }

  function refreshBanner() {
    var n = unsavedCount();
    var failing = Object.keys(retryDelay).length;
    if (n > 0 && failing > 0) {
      banner.hidden = false;
      banner.textContent = 'Le serveur ne répond pas : ' + n + ' réponse(s) pas encore enregistrée(s). ' +
        'Ne fermez pas cette page : elles sont renvoyées automatiquement.';
    } else {
      banner.hidden = true;
      banner.textContent = '';
    }
  }

  function refreshCounts() {
    var missing = [];
    var answered = 0;
    document.querySelectorAll('fieldset.question').forEach(function (f) {
      if (letters(f)) { answered += 1; } else { missing.push(f.getAttribute('data-number')); }
    });
    document.getElementById('avancement').textContent = answered + ' réponse(s) sur ' + count;
    var list = document.getElementById('liste-sans-reponse');
    if (!list) return missing;
    list.textContent = '';
    if (missing.length === 0) { list.textContent = 'aucune'; }
    missing.forEach(function (n, i) {
      var a = document.createElement('a');
      a.href = '#q' + n;
      a.textContent = n;
      list.appendChild(a);
      if (i < missing.length - 1) list.appendChild(document.createTextNode(', '));
    });
    return missing;
  }

  function lock(message) {
    closed = true;
    document.querySelectorAll('#questions input').forEach(function (i) { i.disabled = true; });
    var t = document.getElementById('terminer');
    if (t) t.disabled = true;
    if (message) say(message);
  }

  function send(number) {
    if (inFlight[number] || !(number in pending)) return;
    var given = pending[number];
    inFlight[number] = true;
    fetch('/quiz/epreuve/reponse', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ number: Number(number), given: given })
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { ok: r.ok, code: r.status, body: body }; });
    }).then(function (res) {
      inFlight[number] = false;
      if (res.body && res.body.saved) {
        delete retryDelay[number];
        if (pending[number] === given) {
          delete pending[number];
          status(number, given ? 'Réponse enregistrée.' : 'Réponse effacée et enregistrée.', false);
        } else {
          send(number);
        }
        if (typeof res.body.time_left_ms === 'number') deadline = performance.now() + res.body.time_left_ms;
        if (res.body.closed) lock(res.body.message || 'Le temps est écoulé.');
      } else if (res.code === 409 || (res.body && res.body.closed)) {
        delete pending[number];
        status(number, 'Non enregistrée : l\u2019épreuve est close.', true);
        lock(res.body && res.body.message);
      } else if (res.code === 401 || res.code === 403) {
        status(number, 'Non enregistrée : votre session a expiré. Prévenez l\u2019évaluateur.', true);
      } else {
        retry(number, res.body && res.body.message);
      }
      refreshBanner();
    }, function () {
      inFlight[number] = false;
      retry(number, null);
      refreshBanner();
    });
  }

  function retry(number, message) {
    var wait = Math.min((retryDelay[number] || 500) * 2, 10000);
    retryDelay[number] = wait;
    status(number, (message || 'Réponse non enregistrée (pas de réponse du serveur).') + ' Nouvelle tentative…', true);
    window.setTimeout(function () { send(number); }, wait);
  }

  document.querySelectorAll('fieldset.question').forEach(function (f) {
    f.addEventListener('change', function () {
      if (closed) return;
      var n = f.getAttribute('data-number');
      pending[n] = letters(f);
      status(n, 'Enregistrement…', false);
      refreshCounts();
      send(n);
    });
  });

  window.addEventListener('beforeunload', function (e) {
    if (unsavedCount() > 0) { e.preventDefault(); e.returnValue = ''; }
  });

  function two(n) { return (n < 10 ? '0' : '') + n; }

  function tick() {
    var left = Math.max(0, deadline - performance.now());
    var s = Math.ceil(left / 1000);
    timer.textContent = Math.floor(s / 60) + ' min ' + two(s % 60) + ' s';
    [[5, 'Il reste 5 minutes.'], [1, 'Il reste 1 minute.']].forEach(function (w) {
      if (!warned[w[0]] && left <= w[0] * 60000 && left > 0) {
        warned[w[0]] = true;
        timer.parentNode.classList.add('warning');
        say(w[1]);
      }
    });
    if (left <= 0 && !closed) {
      lock('Le temps est écoulé. Vos réponses enregistrées sont conservées.');
      poll();
    }
  }

  function poll() {
    fetch('/quiz/epreuve/etat', { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(function (b) {
      if (typeof b.time_left_ms === 'number' && !closed) deadline = performance.now() + b.time_left_ms;
      if (b.closed && !closed) lock('L\u2019épreuve est close.');
      // Answers that failed are tried again as soon as the server answers.
      Object.keys(pending).forEach(send);
    }, function () {});
  }

  var finish = document.getElementById('terminer');
  if (finish) {
    var box = document.getElementById('confirmation');
    finish.addEventListener('click', function () {
      var missing = refreshCounts();
      var text = missing.length === 0
        ? 'Toutes les questions ont une réponse.'
        : missing.length + ' question(s) sans réponse sur ' + count + ' (n° ' + missing.join(', ') + ').';
      var unsaved = unsavedCount();
      if (unsaved > 0) text += ' ' + unsaved + ' réponse(s) pas encore enregistrée(s) : attendez qu\u2019elles le soient.';
      document.getElementById('confirmation-texte').textContent = text + ' Terminer l\u2019épreuve ? Vous ne pourrez plus modifier vos réponses.';
      document.getElementById('confirmer').disabled = unsaved > 0;
      box.hidden = false;
      document.getElementById(unsaved > 0 ? 'annuler' : 'confirmer').focus();
    });
    document.getElementById('annuler').addEventListener('click', function () { box.hidden = true; finish.focus(); });
    document.getElementById('confirmer').addEventListener('click', function () {
      fetch('/quiz/epreuve/terminer', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf } })
        .then(function (r) { if (r.ok) window.location.reload(); else say('L\u2019épreuve n\u2019a pas pu être terminée : réessayez.'); },
              function () { say('Le serveur ne répond pas : réessayez dans un instant.'); });
    });
  }

  refreshCounts();
  if (!closed) {
    tick();
    window.setInterval(tick, 1000);
    window.setInterval(poll, 15000);
  }
})();
