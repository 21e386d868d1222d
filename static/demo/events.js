// The live event log: polls the collector's /api/beacons?since=N and shows each beacon.
(function () {
  'use strict';
  var POLL_MS = 500;
  var MAX_ROWS = 500;                       // the API answers the newest 1000; the page shows fewer
  var KINDS = {'1': 'page view', '3': 'event', '12': 'CTA view', '28': 'consent approve',
               '29': 'consent decline', '30': 'consent revoke'};
  var ENDPOINTS = {'/__ptbe.gif': 'custom event', '/__pto.gif': 'JS error'};

  var since = 0;
  var epoch = null;
  var rows = document.getElementById('events');

  function text(tag, value, className) {
    var el = document.createElement(tag);
    el.textContent = value === undefined || value === null ? '' : value;
    if (className) el.className = className;
    return el;
  }

  function paramsOf(beacon) {
    var params = {};
    beacon.params.forEach(function (pair) {
      if (!(pair[0] in params)) params[pair[0]] = pair[1];
    });
    return params;
  }

  function kindOf(beacon, params) {
    if (ENDPOINTS[beacon.endpoint]) return ENDPOINTS[beacon.endpoint];
    return KINDS[params.k] || 'kind ' + params.k;
  }

  function clock(ms) {
    var d = new Date(ms);
    return d.toTimeString().slice(0, 8) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  }

  function identityOf(beacon) {
    if (!beacon.identity) return '';
    return beacon.identity.map(function (pair) { return pair[0] + '=' + pair[1]; }).join(', ');
  }

  function short(token) {
    return token ? token.slice(0, 8) + '…' : '';
  }

  function details(beacon) {
    var box = document.createElement('details');
    box.appendChild(text('summary', beacon.params.length + ' params'));
    var list = document.createElement('dl');
    beacon.params.forEach(function (pair) {
      list.appendChild(text('dt', pair[0]));
      list.appendChild(text('dd', pair[1]));
    });
    box.appendChild(list);
    if (beacon.error) box.appendChild(text('div', beacon.error, 'sub'));   // text that was not clean UTF-8
    box.appendChild(text('code', beacon.url, 'raw'));
    return box;
  }

  function row(beacon) {
    var p = paramsOf(beacon);
    var tr = document.createElement('tr');
    tr.className = 'event';
    tr.appendChild(text('td', clock(beacon.time)));
    tr.appendChild(text('td', kindOf(beacon, p), 'kind'));
    tr.appendChild(text('td', p.a));
    var path = text('td', p.po || '', 'path');
    if (p.rpo) path.appendChild(text('div', 'from ' + p.rpo, 'sub'));
    tr.appendChild(path);
    var page = text('td', p.pu, 'url');
    if (p.t) page.appendChild(text('div', p.t, 'sub'));
    page.appendChild(details(beacon));
    tr.appendChild(page);
    tr.appendChild(text('td', identityOf(beacon), 'identity'));
    var visitor = text('td', short(p.vi), 'visitor');
    visitor.title = p.vi || '';
    if (p.nc === 'true') visitor.appendChild(text('div', 'new', 'sub'));
    tr.appendChild(visitor);
    return tr;
  }

  function show(data) {
    if (data.epoch !== epoch) {             // cleared (here or elsewhere): start over
      epoch = data.epoch;
      rows.textContent = '';
    }
    data.beacons.forEach(function (beacon) {
      rows.insertBefore(row(beacon), rows.firstChild);
    });
    while (rows.children.length > MAX_ROWS) rows.removeChild(rows.lastChild);
    since = data.last;
    document.getElementById('event-count').textContent = rows.children.length;
    document.getElementById('empty').hidden = rows.children.length > 0;
  }

  function poll() {
    fetch('/api/beacons?since=' + since, {cache: 'no-store'})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data);
        document.getElementById('status').textContent = 'live';
      })
      .catch(function () {
        document.getElementById('status').textContent = 'collector unreachable, retrying…';
      })
      .then(function () { setTimeout(poll, POLL_MS); });
  }

  document.getElementById('clear').addEventListener('click', function () {
    fetch('/api/beacons', {method: 'DELETE'}).then(function (response) { return response.json(); })
      .then(function (data) { show({epoch: data.epoch, last: since, beacons: []}); });
  });

  poll();
})();
