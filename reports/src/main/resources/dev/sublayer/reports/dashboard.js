// The live dashboard: polls /api/study.json every 2 s and redraws. Every string from the study goes into the page
// through textContent, never as markup.
(function () {
  'use strict';
  var token = new URLSearchParams(location.search).get('token');
  var query = token ? '?token=' + encodeURIComponent(token) : '';
  var POLL_MS = 2000;
  var chart = null;
  var reportVersion = null;
  var updates = 0;

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function byId(id) { return document.getElementById(id); }
  function fixed(v, d) { return v === null || v === undefined ? '–' : Number(v).toFixed(d); }
  function duration(s) {
    if (s === null || s === undefined) { return '–'; }
    s = Math.round(s);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    if (h > 0) { return h + ' h ' + m + ' min'; }
    if (m > 0) { return m + ' min ' + sec + ' s'; }
    return sec + ' s';
  }
  function stat(k, v) {
    var d = el('div', null, 'dash-stat');
    d.appendChild(el('div', k, 'k'));
    d.appendChild(el('div', v, 'v'));
    return d;
  }
  function replaceRows(tbody, rows) {
    while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
    rows.forEach(function (r) { tbody.appendChild(r); });
  }
  function row(cells) {
    var tr = document.createElement('tr');
    cells.forEach(function (c) {
      var td = el('td', c.text, c.num ? 'num' : null);
      tr.appendChild(td);
    });
    return tr;
  }

  function draw(d) {
    var s = d.study;
    if (s) {
      byId('study-name').textContent = s.name;
      var badge = byId('study-status');
      badge.textContent = s.status;
      badge.className = 'badge ' + (s.status === 'running' ? 'st-run' : s.status === 'finished' ? 'st-ok'
        : s.status === 'interrupted' ? 'st-warn' : 'st-other');
      byId('study-description').textContent = s.description;
      byId('as-of').textContent = 'stored data as of ' + s.as_of + ' (' + duration(s.as_of_age_seconds) + ' old)';
    } else {
      byId('study-name').textContent = 'waiting for the study to be readable…';
    }
    var stats = [];
    var p = d.progress;
    if (p) {
      stats.push(stat('phase', p.generation < 0 ? 're-evaluation' : 'generation ' + p.generation));
      p.rungs.forEach(function (r) { stats.push(stat('rung ' + r.rung, r.done + ' / ' + r.planned)); });
      stats.push(stat('candidates', p.candidates + (p.max_trials === null ? '' : ' / ' + p.max_trials)));
      stats.push(stat('best bits/byte', p.best_bits_per_byte === null ? '–'
        : fixed(p.best_bits_per_byte, 4) + ' (rung ' + p.best_rung + ')'));
      stats.push(stat('elapsed', duration(p.elapsed_seconds)));
      stats.push(stat('ETA', duration(p.eta_seconds)));
    }
    if (s) {
      stats.push(stat('trials', s.trials.total));
      ['completed', 'running', 'failed', 'out_of_memory', 'diverged', 'interrupted', 'rejected'].forEach(function (k) {
        if (s.trials[k]) { stats.push(stat(k.replace(/_/g, ' '), s.trials[k])); }
      });
      stats.push(stat('front', s.front.members === 0 ? 'none yet' : s.front.members + ' at rung ' + s.front.rung
        + (s.front.hypervolume === null ? '' : ', HV ' + fixed(s.front.hypervolume, 4))));
    }
    replaceRows(byId('stats'), stats);

    replaceRows(byId('running-table').tBodies[0], d.running.map(function (t) {
      var last = t.curve.length ? t.curve[t.curve.length - 1][1] : null;
      return row([{ text: t.key }, { text: t.architecture }, { text: t.rung, num: true }, { text: t.origin },
        { text: t.worker }, { text: t.step === null ? '–' : t.step + (t.max_steps === null ? '' : ' / ' + t.max_steps),
          num: true }, { text: fixed(last, 4), num: true }, { text: duration(t.seconds), num: true }]);
    }));
    drawCurves(d.running);

    var workers = byId('worker-list');
    var chips = [];
    if (d.workers) {
      d.workers.forEach(function (w) {
        chips.push(el('span', w.name + (w.busy ? ': ' + w.trial : ': idle'), 'chip ' + (w.busy ? 'busy' : 'idle')));
      });
    } else {
      chips.push(el('span', 'workers are known only while the search serves its own dashboard', 'muted'));
    }
    replaceRows(workers, chips);

    replaceRows(byId('event-table').tBodies[0], (s ? s.events : []).map(function (e) {
      return row([{ text: e.time, num: true }, { text: e.type }, { text: e.message }]);
    }));

    if (s && s.report_version !== reportVersion) {
      reportVersion = s.report_version;
      byId('report-frame').src = '/report.html' + (query ? query + '&' : '?') + 'v=' + encodeURIComponent(reportVersion);
    }
    updates++;
    document.body.setAttribute('data-updates', String(updates));
    byId('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  }

  function drawCurves(running) {
    var box = byId('curves');
    if (typeof echarts === 'undefined') { return; }
    if (!chart) { chart = echarts.init(box); }
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 50, right: 20, top: 36, bottom: 36 },
      xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 24 },
      yAxis: { type: 'value', name: 'loss', scale: true },
      series: running.map(function (t) {
        return { name: t.architecture + ' (' + t.key + ')', type: 'line', showSymbol: false, data: t.curve };
      })
    }, { replaceMerge: ['series'] });
  }

  function poll() {
    fetch('/api/study.json' + query, { cache: 'no-store' }).then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    }).then(function (d) {
      byId('unreachable').hidden = true;
      draw(d);
    }).catch(function () {
      byId('unreachable').hidden = false;
    }).then(function () { setTimeout(poll, POLL_MS); });
  }
  window.addEventListener('resize', function () { if (chart) { chart.resize(); } });
  poll();
})();
