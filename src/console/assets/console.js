// herald console: a live weighted-length counter for every tweet field, and a draft list that
// follows the server without reloading. Forms work without this file; it only adds liveliness.
(function () {
  'use strict';

  // --- counter: X's own weighting (twitter-text) runs on the server, one request per pause in typing
  var timers = new WeakMap();
  function meterOf(field) {
    var next = field.nextElementSibling;
    while (next && !(next.classList && next.classList.contains('meter'))) next = next.nextElementSibling;
    return next;
  }
  function measure(field) {
    var meter = meterOf(field);
    if (!meter) return;
    fetch('/console/measure?text=' + encodeURIComponent(field.value), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (result) {
        if (!result) return;
        var counter = meter.querySelector('[data-counter]');
        var problems = meter.querySelector('[data-problems]');
        counter.textContent = result.weightedLength + ' / ' + result.max;
        counter.classList.toggle('over', result.weightedLength > result.max);
        var shown = field.value.trim() === '' ? [] : result.details;
        problems.textContent = shown.join(' · ');
        field.setAttribute('aria-invalid', shown.length > 0 ? 'true' : 'false');
      })
      .catch(function () {});
  }
  document.addEventListener('input', function (event) {
    var field = event.target;
    if (!field.matches || !field.matches('textarea[data-measure]')) return;
    clearTimeout(timers.get(field));
    timers.set(field, setTimeout(function () { measure(field); }, 150));
  });

  // --- phone menu: the navigation folds behind one button below 40rem; without this file it stays open
  document.documentElement.classList.add('js');
  var menuToggle = document.querySelector('.menu-toggle');
  if (menuToggle) {
    menuToggle.hidden = false;
    menuToggle.addEventListener('click', function () {
      var open = menuToggle.getAttribute('aria-expanded') !== 'true';
      menuToggle.setAttribute('aria-expanded', String(open));
      menuToggle.closest('header').classList.toggle('open', open);
    });
  }

  // --- browser notifications: only for people who may decide, and only once they allowed them
  var body = document.body;
  var notifyButton = document.querySelector('[data-notify]');
  if (notifyButton && 'Notification' in window && Notification.permission === 'default') {
    notifyButton.hidden = false;
    notifyButton.addEventListener('click', function () {
      Notification.requestPermission().then(function () { notifyButton.hidden = true; });
    });
  }
  function notify(event) {
    if (!notifyButton || !('Notification' in window) || Notification.permission !== 'granted') return;
    var note = new Notification(body.getAttribute('data-notify-title'), {
      body: body.getAttribute('data-notify-body').replace('{service}', event.service),
      tag: event.draft,
    });
    note.onclick = function () { window.focus(); location.href = '/console/drafts/' + encodeURIComponent(event.draft); };
  }

  // --- live draft list: the server tells (server-sent events) when a draft arrives or is decided;
  // the page then fetches the fragment and swaps in what changed, never what a person is editing
  var list = document.querySelector('[data-live]');
  var refresh = function () {};
  if (body.getAttribute('data-events') && 'EventSource' in window) {
    var events = new EventSource(body.getAttribute('data-events'));
    events.addEventListener('waiting', function (message) {
      refresh();
      try { notify(JSON.parse(message.data)); } catch (e) {}
    });
    events.addEventListener('decided', function () { refresh(); });
    window.heraldEvents = events;
  }
  if (!list) return;
  function busy(article) {
    if (article.contains(document.activeElement)) return true;
    return Array.prototype.some.call(article.querySelectorAll('textarea, input[name="reason"]'), function (f) { return f.value !== f.defaultValue; });
  }
  function drafts(root) {
    return Array.prototype.slice.call(root.querySelectorAll('article.draft'));
  }
  refresh = function () {
    fetch(list.getAttribute('data-live'), { headers: { accept: 'text/html' }, credentials: 'same-origin', redirect: 'manual' })
      .then(function (res) {
        if (!res.ok) return;
        var count = document.getElementById('draft-count');
        if (count) count.textContent = res.headers.get('x-draft-count') || '';
        var badge = document.querySelector('[data-draft-count]');
        if (badge) badge.textContent = res.headers.get('x-draft-count') || '';
        return res.text().then(function (markup) {
          var template = document.createElement('template');
          template.innerHTML = markup;
          // The pager (the count in all, a next page appearing) follows too; it is taken out of the fragment here.
          var pagerNew = template.content.querySelector('[data-pager]');
          var pagerNow = document.querySelector('[data-pager]');
          if (pagerNew && pagerNow) pagerNow.replaceWith(pagerNew);
          else if (pagerNew) pagerNew.remove();
          var incoming = drafts(template.content);
          var ids = incoming.map(function (a) { return a.getAttribute('data-id'); });
          drafts(list).forEach(function (a) {
            if (ids.indexOf(a.getAttribute('data-id')) < 0 && !busy(a)) a.remove();
          });
          var previous = null;
          incoming.forEach(function (fresh) {
            var current = drafts(list).filter(function (a) { return a.getAttribute('data-id') === fresh.getAttribute('data-id'); })[0];
            if (!current) {
              if (previous) previous.after(fresh); else list.prepend(fresh);
              current = fresh;
            } else if (current.getAttribute('data-version') !== fresh.getAttribute('data-version') && !busy(current)) {
              current.replaceWith(fresh);
              current = fresh;
            }
            previous = current;
          });
          var empty = list.querySelector('.empty');
          if (drafts(list).length > 0 && empty) empty.remove();
          if (drafts(list).length === 0 && !empty) list.append.apply(list, Array.prototype.slice.call(template.content.childNodes));
        });
      })
      .catch(function () {});
  };
  // Polling stays as a fallback for a stream a proxy cut; with the stream open it finds nothing new.
  setInterval(refresh, Number(list.getAttribute('data-interval')) || 10000);
})();
