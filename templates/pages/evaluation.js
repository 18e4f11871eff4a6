// The evaluator's observation grid, as fast as paper: a level typed in a cell is saved at once
// and the synthesis panel replaced by the server's; the cursor goes down the contact's column.
// Arrows move, Enter goes down, Backspace/Delete clears (and saves the clearing). Without this
// script the grid is an ordinary form with its own button.
(function () {
  'use strict';
  var table = document.getElementById('grille-table');
  if (!table) return;
  var url = table.getAttribute('data-url');
  var csrf = table.getAttribute('data-csrf');
  var panel = document.getElementById('synthese-panel');
  var status = document.createElement('p');
  status.setAttribute('role', 'status');
  status.className = 'small save';
  table.parentNode.parentNode.insertBefore(status, table.parentNode);
  function cell(r, c) {
    return table.querySelector('input.lvl[data-r="' + r + '"][data-c="' + c + '"]');
  }
  function go(target) {
    if (target) { target.focus(); target.select(); }
  }
  // Saves go one after the other, in the order typed: a level typed then cleared at once
  // must reach the server in that order.
  var queue = Promise.resolve();
  var pending = 0;
  function save(input) {
    pending += 1;
    table.setAttribute('data-pending', String(pending));
    queue = queue.then(function () { return send(input); }).then(function () {
      pending -= 1;
      table.setAttribute('data-pending', String(pending));
    });
  }
  function send(input) {
    var value = input.value.trim();
    var contact = Number(input.getAttribute('data-c'));
    var item = input.getAttribute('data-item');
    var justification = document.getElementById('j-' + contact + '-' + item);
    status.textContent = 'Enregistrement…';
    status.classList.remove('ko');
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ contact: contact, item: item, level: value,
        justification: justification ? justification.value : null })
    }).then(function (r) {
      return r.text().then(function (text) { return { ok: r.ok, text: text }; });
    }).then(function (res) {
      if (res.ok) {
        panel.innerHTML = res.text;
        input.removeAttribute('aria-invalid');
        status.textContent = 'Enregistré : ' + input.getAttribute('aria-label') + (value ? ' = ' + value : ' (vidé)');
      } else {
        input.setAttribute('aria-invalid', 'true');
        status.classList.add('ko');
        status.textContent = 'Non enregistré — ' + input.getAttribute('aria-label') + ' : ' + res.text;
      }
    }, function () {
      input.setAttribute('aria-invalid', 'true');
      status.classList.add('ko');
      status.textContent = 'Non enregistré (connexion perdue) — ' + input.getAttribute('aria-label');
    });
  }
  table.addEventListener('keydown', function (e) {
    var t = e.target;
    if (!t.classList || !t.classList.contains('lvl')) return;
    var r = Number(t.getAttribute('data-r'));
    var c = Number(t.getAttribute('data-c'));
    var moves = { ArrowDown: [1, 0], Enter: [1, 0], ArrowUp: [-1, 0], ArrowRight: [0, 1], ArrowLeft: [0, -1] };
    if (moves[e.key]) {
      e.preventDefault();
      go(cell(r + moves[e.key][0], c + moves[e.key][1]));
    }
  });
  table.addEventListener('input', function (e) {
    var t = e.target;
    if (!t.classList || !t.classList.contains('lvl')) return;
    var value = t.value.trim();
    if (value !== '' && !/^[0-5]$/.test(value)) {
      t.setAttribute('aria-invalid', 'true');
      status.classList.add('ko');
      status.textContent = t.getAttribute('aria-label') + ' : « ' + value + ' » n\'est pas un niveau (0 à 5)';
      return;
    }
    save(t);
    if (value !== '') go(cell(Number(t.getAttribute('data-r')) + 1, Number(t.getAttribute('data-c'))));
  });
})();
