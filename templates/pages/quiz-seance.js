// The evaluator's board: rows updated in place every 5 seconds (no rebuild, the focus stays
// where it is), and the destructive actions asked twice.
(function () {
  'use strict';
  document.querySelectorAll('form[data-confirm]').forEach(function (f) {
    f.addEventListener('submit', function (e) {
      if (!window.confirm(f.getAttribute('data-confirm'))) e.preventDefault();
    });
  });
  var table = document.querySelector('table.board');
  if (!table) return;
  var id = table.getAttribute('data-sitting');
  function set(row, field, text) {
    var cell = row.querySelector('[data-field="' + field + '"]');
    if (cell && cell.textContent !== text) cell.textContent = text;
  }
  function refresh() {
    fetch('/seances/' + encodeURIComponent(id) + '/etat', { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (seats) {
        seats.forEach(function (s) {
          var row = document.getElementById('place-' + s.dossier);
          if (!row) return;
          set(row, 'state', s.state);
          set(row, 'answered', s.answered + ' / ' + s.count);
          set(row, 'time_left', s.time_left + (s.extra_minutes ? ' (+' + s.extra_minutes + ' min)' : ''));
        });
      }, function () {});
  }
  window.setInterval(refresh, 5000);
})();
