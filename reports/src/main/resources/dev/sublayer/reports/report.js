/*
 * Sublayer study report: draws the charts and the trials table from the JSON document in
 * the script element with id report-data (written by dev.sublayer.reports.ReportData, which documents its layout:
 * columnar arrays, indices into the archs / strategies / workers string tables).
 *
 * Every text that reaches HTML (tooltips, table cells) goes through esc(). window.sublayerReport exposes
 * the chart instances and a point count per chart, which the browser test reads.
 */
(function () {
  'use strict';
  const R = window.sublayerReport = { charts: {}, ready: false, errors: window.sublayerErrors || [] };
  const D = JSON.parse(document.getElementById('report-data').textContent);
  const G = D.groups, T = D.trials;
  const NG = G.bpb.length, NT = T.key.length;
  const ATTN = '#e4572e', FFN = '#2e86ab';
  const PALETTE = ['#440154', '#3b528b', '#21918c', '#5ec962', '#fde725'];
  // Objective config names (ObjectiveKind) to group columns; labels come with the data.
  const GROUP_KEY = { valid_bits_per_byte: 'bpb', non_embedding_params: 'params', flops_per_token: 'flops',
    wall_seconds: 'seconds', peak_memory_bytes: 'memory' };
  const LABEL = {};
  D.objectives.forEach((o, i) => { LABEL[o] = D.objectiveLabels[i]; });
  LABEL.non_embedding_params = LABEL.non_embedding_params || 'non-embedding params';
  LABEL.flops_per_token = LABEL.flops_per_token || 'FLOPs/token';

  // ---------- formatting ----------
  function esc(s) {
    return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
  }
  function si(v) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    const a = Math.abs(v);
    if (a < 1000) return Number.isInteger(v) ? String(v) : v.toPrecision(3);
    const suffix = ['k', 'M', 'G', 'T', 'P', 'E'];
    const i = Math.min(suffix.length, Math.floor(Math.log10(a) / 3));
    const s = v / Math.pow(1000, i);
    return (Math.abs(s) >= 100 ? s.toFixed(1) : s.toFixed(2)) + suffix[i - 1];
  }
  /** Two significant digits with an SI suffix, for axis ticks: 630k, 1.3M. */
  function si2(v) {
    if (!isFinite(v)) return '';
    const a = Math.abs(v);
    if (a < 1000) return String(+v.toPrecision(2));
    const suffix = ['k', 'M', 'G', 'T', 'P', 'E'];
    const i = Math.min(suffix.length, Math.floor(Math.log10(a) / 3));
    return String(+(v / Math.pow(1000, i)).toPrecision(2)) + suffix[i - 1];
  }
  function f4(v) { return v === null || v === undefined || !isFinite(v) ? '–' : v.toFixed(4); }
  function signed(v) { return v === null || !isFinite(v) ? '–' : (v >= 0 ? '+' : '') + v.toFixed(4); }
  function secs(v) {
    if (v === null || !isFinite(v)) return '–';
    return v < 120 ? v.toFixed(1) + ' s' : v < 7200 ? (v / 60).toFixed(1) + ' min' : (v / 3600).toFixed(2) + ' h';
  }
  function notation(a) { const s = D.archs[a]; const i = s.indexOf(': '); return i >= 0 ? s.slice(i + 2) : s; }
  function dims(a) { const s = D.archs[a]; const i = s.indexOf(': '); return i >= 0 ? s.slice(0, i) : ''; }
  function bpbText(g) { return f4(G.bpb[g]) + (G.std[g] !== null ? ' ± ' + f4(G.std[g]) : ''); }
  function origin(g) { return G.origin[g]; }

  function groupTooltip(g) {
    const rep = G.rep[g];
    return '<div style="max-width:420px;white-space:normal"><b>' + esc(notation(G.arch[g])) + '</b><br>'
      + esc(dims(G.arch[g])) + ' · rung ' + G.rung[g] + (G.front[g] ? ' · <b>on the front</b>' : '') + '<br>'
      + 'bits/byte ' + esc(bpbText(g)) + ' (' + G.n[g] + (G.n[g] === 1 ? ' seed' : ' seeds') + ')<br>'
      + 'params ' + si(G.params[g]) + ' · FLOPs/token ' + si(G.flops[g]) + '<br>'
      + 'wall time ' + secs(G.seconds[g]) + (G.acc[g] !== null ? ' · accuracy ' + (100 * G.acc[g]).toFixed(1) + '%' : '')
      + (G.delta[g] !== null ? ' · size-adjusted ' + signed(G.delta[g]) : '') + '<br>'
      + 'proposed by ' + esc(origin(g)) + '<br><span style="color:#888">trial ' + esc(T.key[rep]) + '</span></div>';
  }

  // ---------- charts ----------
  const BASE = { animation: false, textStyle: { fontFamily: 'system-ui, sans-serif' } };

  function chart(id, option) {
    const el = document.getElementById(id);
    if (!el) return null;
    const c = echarts.init(el, null, { renderer: 'canvas' });
    c.setOption(Object.assign({}, BASE, option));
    R.charts[id] = c;
    return c;
  }

  function emptyChart(id, text) {
    return chart(id, { title: { text: text, left: 'center', top: 'middle', textStyle: { color: '#999', fontSize: 14, fontWeight: 'normal' } }, series: [] });
  }

  function title(text, sub) {
    return { text: text, subtext: sub || '', left: 0, top: 0, textStyle: { fontSize: 14 }, subtextStyle: { fontSize: 11 } };
  }

  /**
   * A label layout that moves each label of a series off any earlier label of the series it would overlap
   * (ECharts' own moveOverlap leaves labels of nearby points on top of each other). ECharts hands in the
   * label's rect with the offset of the previous layout applied, so that offset is taken off first.
   */
  function stackLabels() {
    const placed = new Map(), offset = new Map();
    return params => {
      const r = params.labelRect, h = Math.max(r.height, 12);
      const base = r.y - (offset.get(params.dataIndex) || 0);
      // The nearest free slot: the label's own place, else one line lower, one higher, two lower, ...
      const free = y => ![...placed].some(([i, p]) => i < params.dataIndex && r.x < p.x + p.width && p.x < r.x + r.width
        && y < p.y + p.h && p.y < y + h);
      let y = base;
      for (let k = 1; k <= 12 && !free(y); k++) {
        y = base + (k % 2 ? 1 : -1) * Math.ceil(k / 2) * h;
      }
      placed.set(params.dataIndex, { x: r.x, y: y, width: r.width, h: h });
      offset.set(params.dataIndex, y - base);
      return { dy: y - base };
    };
  }

  /** Third objective for a plot of bits/byte against xObjective: the study's first objective on neither axis. */
  function colourObjective(xObjective) {
    const other = D.objectives.find(o => o !== 'valid_bits_per_byte' && o !== xObjective && GROUP_KEY[o]);
    return other || (xObjective === 'non_embedding_params' ? 'flops_per_token' : 'non_embedding_params');
  }

  function paretoChart(id, xObjective) {
    const xKey = GROUP_KEY[xObjective], cObjective = colourObjective(xObjective), cKey = GROUP_KEY[cObjective];
    const top = [], tmpl = [], tmplLow = [], lower = [];
    let cmin = Infinity, cmax = -Infinity;
    // A template is drawn once, at the highest rung it reached, so weak templates that stopped early still show.
    const tmplBest = new Map();
    for (let g = 0; g < NG; g++) {
      if (G.template[g] && G[xKey][g] > 0 && G.bpb[g] !== null) {
        const k = G.arch[g], prev = tmplBest.get(k);
        if (prev === undefined || G.rung[g] > G.rung[prev]) tmplBest.set(k, g);
      }
    }
    for (let g = 0; g < NG; g++) {
      const x = G[xKey][g], y = G.bpb[g];
      if (!(x > 0) || y === null) continue;
      const c = G[cKey][g] > 0 ? Math.log10(G[cKey][g]) : null;
      const pt = [Math.log10(x), y, c, g];
      if (G.template[g] && tmplBest.get(G.arch[g]) === g) {
        if (G.rung[g] === D.topRung) tmpl.push(pt); else tmplLow.push(pt);
        if (G.rung[g] === D.topRung && c !== null) { cmin = Math.min(cmin, c); cmax = Math.max(cmax, c); }
        continue;
      }
      if (G.rung[g] !== D.topRung) { lower.push(pt); continue; }
      if (c !== null) { cmin = Math.min(cmin, c); cmax = Math.max(cmax, c); }
      top.push(pt);
    }
    if (top.length + tmpl.length === 0) return emptyChart(id, 'No completed trials yet');
    if (!(cmax > cmin)) { cmin = isFinite(cmin) ? cmin - 0.5 : 0; cmax = cmin + 1; }
    const front = D.front2d[xKey].map(g => [Math.log10(G[xKey][g]), G.bpb[g]]);
    const names = ['rung ' + D.topRung, 'named templates', 'templates, lower rung', 'lower rungs', 'front (2-D)'];
    // Templates often share a size (same depth and widths), so their points nearly coincide: one label names
    // every template within a few pixels' worth of the y range, the others stay unlabelled.
    const labels = new Map();
    const all = tmpl.concat(tmplLow), ys = top.concat(all).map(p => p[1]);
    const near = 0.03 * ((Math.max(...ys) - Math.min(...ys)) || 1);
    all.slice().sort((p, q) => p[1] - q[1]).forEach(p => {
      const g = p[3], name = G.template[g] + (G.rung[g] === D.topRung ? '' : ' (rung ' + G.rung[g] + ')');
      const host = all.find(q => labels.has(q[3]) && labels.get(q[3]) !== '' && Math.abs(q[0] - p[0]) < 0.01
        && Math.abs(q[1] - p[1]) < near && G.rung[q[3]] === G.rung[g]);
      if (host) { labels.set(host[3], labels.get(host[3]).replace(/( \(rung \d+\))?$/, ', ' + G.template[g] + '$1')); labels.set(g, ''); }
      else labels.set(g, name);
    });
    const templateLabel = p => labels.get(p.data[3]) || '';
    return chart(id, {
      title: title('bits/byte vs ' + LABEL[xObjective], 'colour: ' + LABEL[cObjective] + ' (log scale) · grey: lower rungs, hidden until picked in the legend'),
      grid: { left: 70, right: 100, top: 84, bottom: 64 },
      legend: { top: 40, left: 0, itemWidth: 14, textStyle: { fontSize: 11 }, data: names.filter((n, i) => [top, tmpl, tmplLow, lower, front][i].length > 0),
        selected: { 'lower rungs': false } },
      tooltip: { trigger: 'item', confine: true, formatter: p => p.seriesName === 'front (2-D)' ? 'front: ' + si(Math.pow(10, p.data[0])) + ', ' + f4(p.data[1]) : groupTooltip(p.data[3]) },
      toolbox: { right: 0, top: 0, itemSize: 13, feature: { dataZoom: { title: { zoom: 'box zoom', back: 'undo zoom' } }, restore: { title: 'reset' }, saveAsImage: { title: 'save PNG', pixelRatio: 2 } } },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
        { type: 'inside', yAxisIndex: 0, filterMode: 'none' },
        { type: 'slider', xAxisIndex: 0, filterMode: 'none', height: 14, bottom: 6, showDetail: false },
      ],
      visualMap: {
        type: 'continuous', dimension: 2, seriesIndex: [0, 1], min: cmin, max: cmax, calculable: true, precision: 2,
        right: 8, top: 96, itemHeight: 150, itemWidth: 12, text: [LABEL[cObjective], ''], textStyle: { fontSize: 10 },
        formatter: v => si(Math.pow(10, v)), inRange: { color: PALETTE }, outOfRange: { color: '#ccc' },
      },
      // x holds log10 of the value: a value axis over logs zooms smoothly and ticks between powers of ten.
      xAxis: { type: 'value', scale: true, name: LABEL[xObjective] + ' (log scale)', nameLocation: 'middle', nameGap: 28,
        axisLabel: { formatter: v => si2(Math.pow(10, v)) }, splitLine: { lineStyle: { color: '#eee' } } },
      yAxis: { type: 'value', name: 'validation bits/byte', nameLocation: 'middle', nameGap: 48, scale: true,
        axisLabel: { formatter: v => v.toFixed(2) }, splitLine: { lineStyle: { color: '#eee' } } },
      series: [
        { name: names[0], type: 'scatter', data: top, symbolSize: 8, large: top.length > 4000, z: 3,
          emphasis: { focus: 'none', itemStyle: { borderColor: '#000', borderWidth: 1.5 } } },
        { name: names[1], type: 'scatter', data: tmpl, symbol: 'diamond', symbolSize: 16, z: 5,
          itemStyle: { borderColor: '#111', borderWidth: 1.2 },
          label: { show: tmpl.length <= 30, position: 'right', fontSize: 10, color: '#222', formatter: templateLabel },
          labelLayout: stackLabels(), labelLine: { show: true, lineStyle: { color: '#aaa', width: 1 } } },
        { name: names[2], type: 'scatter', data: tmplLow, symbol: 'diamond', symbolSize: 12, z: 4,
          itemStyle: { color: '#fff', borderColor: '#555', borderWidth: 1.2 },
          label: { show: tmplLow.length <= 30, position: 'right', fontSize: 10, color: '#555', formatter: templateLabel },
          labelLayout: stackLabels(), labelLine: { show: true, lineStyle: { color: '#aaa', width: 1 } } },
        { name: names[3], type: 'scatter', data: lower, symbolSize: 5, itemStyle: { color: '#c8ccd2' }, z: 1, large: lower.length > 4000 },
        { name: names[4], type: 'line', step: 'end', data: front, showSymbol: false, z: 2,
          lineStyle: { color: '#111', width: 1.5 }, itemStyle: { color: '#111' } },
      ],
    });
  }

  function progressChart() {
    const gen = D.generations;
    if (gen.gen.length === 0) return emptyChart('chart-progress', 'No generation finished yet');
    const hv = gen.gen.map((g, i) => [g, gen.hv[i]]), best = gen.gen.map((g, i) => [g, gen.best[i]]);
    return chart('chart-progress', {
      title: title('Hypervolume and best bits/byte per generation'),
      grid: { left: 64, right: 64, top: 60, bottom: 48 },
      legend: { top: 24 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', name: 'generation', nameLocation: 'middle', nameGap: 26, minInterval: 1 },
      yAxis: [{ type: 'value', name: 'hypervolume', scale: true, splitLine: { lineStyle: { color: '#eee' } } },
        { type: 'value', name: 'best bits/byte', scale: true, splitLine: { show: false } }],
      series: [
        { name: 'hypervolume', type: 'line', data: hv, yAxisIndex: 0, symbolSize: 5, color: '#2e6fd8' },
        { name: 'best bits/byte', type: 'line', data: best, yAxisIndex: 1, symbolSize: 5, color: '#e4572e' },
      ],
    });
  }

  function rateChart() {
    const r = D.rate, total = r.counts.reduce((a, b) => a + b, 0);
    if (total === 0) return emptyChart('chart-rate', 'No trial finished yet');
    const perHour = 60 / r.binMinutes;
    const data = r.counts.map((c, i) => [(i + 0.5) * r.binMinutes / 60, c * perHour]);
    return chart('chart-rate', {
      title: title('Trials finished per hour', r.binMinutes >= 60 ? 'hourly bins' : r.binMinutes + '-minute bins, shown as a rate per hour'),
      grid: { left: 64, right: 24, top: 60, bottom: 48 },
      tooltip: { trigger: 'item', formatter: p => 'hour ' + p.data[0].toFixed(2) + ': ' + p.data[1].toFixed(1) + ' trials/hour' },
      xAxis: { type: 'value', name: 'hours since the study started', nameLocation: 'middle', nameGap: 26, min: 0 },
      yAxis: { type: 'value', name: 'trials / hour', splitLine: { lineStyle: { color: '#eee' } } },
      series: [{ name: 'trials per hour', type: 'bar', data: data, barWidth: '90%', color: '#5b8def', barMinHeight: 0 }],
    });
  }

  // ---------- learning curves ----------
  const curveOf = new Map();
  D.curves.trial.forEach((t, i) => curveOf.set(t, i));
  const frontTrials = D.front.map(g => G.rep[g]);
  const picked = new Set();
  let curves = null;

  function curveSeries(t, isFront) {
    const i = curveOf.get(t);
    const xs = D.curves.grids[D.curves.grid[i]], ys = D.curves.y[i];
    const g = T.group[t];
    const label = (isFront ? 'front · ' : '') + notation(T.arch[t]) + (D.curves.train[i] ? ' (train loss)' : '');
    return {
      id: 'trial-' + t, name: label.length > 60 ? label.slice(0, 57) + '…' : label, type: 'line', showSymbol: true, symbolSize: 3,
      data: xs.map((x, k) => [x, ys[k], t]), lineStyle: { width: isFront ? 1.6 : 2.2, type: D.curves.train[i] ? 'dashed' : 'solid' },
      emphasis: { focus: 'series' }, z: isFront ? 2 : 3,
      tooltipTrial: t, groupIndex: g,
    };
  }

  function drawCurves() {
    const shown = frontTrials.filter(t => curveOf.has(t));
    picked.forEach(t => { if (!shown.includes(t) && curveOf.has(t)) shown.push(t); });
    if (shown.length === 0) {
      if (!curves) curves = emptyChart('chart-curves', 'No learning curves yet');
      return;
    }
    const series = shown.map(t => curveSeries(t, frontTrials.includes(t) && !picked.has(t)));
    // Early losses are far above the final ones; start zoomed on the last three quarters of training,
    // where architectures differ. Scrolling or the slider zooms out.
    let ymin = Infinity, ymax = -Infinity;
    series.forEach(s => s.data.forEach((p, k) => {
      if (p[1] === null) return;
      ymin = Math.min(ymin, p[1]);
      if (k >= Math.floor(s.data.length / 4)) ymax = Math.max(ymax, p[1]);
    }));
    const pad = (ymax - ymin) * 0.05 || 0.05;
    const anyTrain = shown.some(t => D.curves.train[curveOf.get(t)]);
    const option = {
      title: title(anyTrain ? 'Bits/byte during training' : 'Validation bits/byte during training',
        shown.length + ' curves' + (anyTrain ? ' · dashed: training loss (validated fewer than twice)' : '')),
      grid: { left: 70, right: 40, top: 60, bottom: 90 },
      legend: { type: 'scroll', bottom: 0, textStyle: { fontSize: 11 } },
      tooltip: { trigger: 'item', confine: true, formatter: p => {
        const t = p.data[2];
        return '<b>' + esc(notation(T.arch[t])) + '</b><br>trial ' + esc(T.key[t]) + '<br>' + si(p.data[0]) + ' tokens: ' + f4(p.data[1]) + ' bits';
      } },
      dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' },
        { type: 'inside', yAxisIndex: 0, filterMode: 'none', startValue: ymin - pad, endValue: ymax + pad },
        { type: 'slider', yAxisIndex: 0, filterMode: 'none', width: 14, right: 6, showDetail: false, startValue: ymin - pad, endValue: ymax + pad }],
      xAxis: { type: 'value', name: 'training tokens', nameLocation: 'middle', nameGap: 26, axisLabel: { formatter: v => si(v) } },
      yAxis: { type: 'value', name: anyTrain ? 'bits/byte (validation; training where dashed)' : 'validation bits/byte',
        nameLocation: 'middle', nameGap: 44, scale: true,
        axisLabel: { formatter: v => v.toFixed(2) }, splitLine: { lineStyle: { color: '#eee' } } },
      series: series,
    };
    if (!curves || !R.charts['chart-curves'] || R.charts['chart-curves'].getOption().series.length === 0) {
      if (curves) curves.dispose();
      curves = chart('chart-curves', option);
    } else {
      curves.setOption(Object.assign({}, BASE, option), { replaceMerge: ['series'] });
    }
  }

  function togglePick(t) {
    document.getElementById('curves-note').textContent = curveOf.has(t) ? ''
      : 'trial ' + T.key[t] + ' (' + statusName(t).replace('_', ' ') + ') has no learning curve.';
    if (picked.has(t)) picked.delete(t); else picked.add(t);
    document.querySelectorAll('tr[data-trial="' + t + '"]').forEach(tr => tr.classList.toggle('picked', picked.has(t)));
    drawCurves();
  }

  // ---------- ordering analysis ----------
  const yName = D.sizeAdjusted ? 'size-adjusted bits/byte' : 'bits/byte';
  const yKey = D.sizeAdjusted ? 'delta' : 'bpb';
  const ORD = [{ name: 'interleaved (longest FFN run 1)', color: '#7b61ff', test: r => r === 1 },
    { name: 'stacked FFNs (run ≥ 2)', color: '#00a383', test: r => r >= 2 },
    { name: 'no FFN', color: '#999', test: r => r === 0 }];

  function jitter(g) { return ((g * 0.6180339887) % 1 - 0.5) * 0.3; }

  function orderingPoints(xKey, jittered) {
    return ORD.map(o => {
      const pts = [];
      for (let g = 0; g < NG; g++) {
        if (G.rung[g] !== D.topRung || G[yKey][g] === null || G[xKey][g] === null || !o.test(G.run[g])) continue;
        pts.push([G[xKey][g] + (jittered ? jitter(g) : 0), G[yKey][g], g]);
      }
      return pts;
    });
  }

  function orderingChart(id, xKey, xName, jittered, extra) {
    const sets = orderingPoints(xKey, jittered);
    if (sets.every(s => s.length === 0)) return emptyChart(id, 'No completed trials at the top rung yet');
    const series = ORD.map((o, i) => ({
      name: o.name, type: 'scatter', data: sets[i], symbolSize: 7, color: o.color, itemStyle: { opacity: 0.75 },
      markLine: D.sizeAdjusted && i === 0 ? { silent: true, symbol: 'none', label: { formatter: 'as its size predicts', position: 'insideStartTop', fontSize: 10, color: '#666' },
        lineStyle: { color: '#777', type: 'dashed' }, data: [{ yAxis: 0 }] } : undefined,
    }));
    (extra || []).forEach(s => series.push(s));
    let xmin = Infinity, xmax = -Infinity;
    sets.forEach(set => set.forEach(p => { xmin = Math.min(xmin, p[0]); xmax = Math.max(xmax, p[0]); }));
    return chart(id, {
      title: title(yName + ' vs ' + xName, D.sizeAdjusted ? 'below 0: better than its size predicts' : 'lower is better'),
      grid: { left: 70, right: 24, top: 76, bottom: 48 },
      legend: { top: 38, left: 0, textStyle: { fontSize: 11 }, data: ORD.map(o => o.name).filter((n, i) => sets[i].length > 0).concat((extra || []).length ? ['mean ± s.e.'] : []) },
      tooltip: { trigger: 'item', confine: true, formatter: p => p.data.length === 3 ? groupTooltip(p.data[2]) : p.seriesName === 'mean ± s.e.' ? 'longest run ' + p.data[0] + ': mean ' + signed(p.data[1]) + ' ± ' + f4(p.data[3]) + ' (n=' + p.data[4] + ')' : '' },
      xAxis: { type: 'value', name: xName, nameLocation: 'middle', nameGap: 26, scale: true, splitLine: { show: false },
        min: jittered ? Math.round(xmin) - 1 : undefined, max: jittered ? Math.round(xmax) + 1 : undefined,
        interval: jittered ? 1 : undefined,
        axisLabel: { formatter: v => jittered ? (Number.isInteger(v) ? v : '') : +v.toFixed(2) } },
      yAxis: { type: 'value', name: yName, nameLocation: 'middle', nameGap: 48, scale: true,
        axisLabel: { formatter: v => +v.toFixed(3) }, splitLine: { lineStyle: { color: '#eee' } } },
      series: series,
    });
  }

  function runMeans() {
    const runs = D.ordering.runs;
    if (runs.length === 0) return [];
    const data = runs.map(r => [r.run, r.mean, r.mean, r.se === null ? 0 : r.se, r.n]);
    return [{
      name: 'mean ± s.e.', type: 'custom', data: data, z: 5, color: '#111',
      encode: { x: 0, y: [1, 2] },
      renderItem: (params, api) => {
        const x = api.value(0), m = api.value(1), se = api.value(3);
        const top = api.coord([x, m + se]), bottom = api.coord([x, m - se]), mid = api.coord([x, m]);
        const w = 14;
        return { type: 'group', children: [
          { type: 'line', shape: { x1: top[0], y1: top[1], x2: bottom[0], y2: bottom[1] }, style: { stroke: '#111', lineWidth: 2 } },
          { type: 'line', shape: { x1: top[0] - w / 2, y1: top[1], x2: top[0] + w / 2, y2: top[1] }, style: { stroke: '#111', lineWidth: 2 } },
          { type: 'line', shape: { x1: bottom[0] - w / 2, y1: bottom[1], x2: bottom[0] + w / 2, y2: bottom[1] }, style: { stroke: '#111', lineWidth: 2 } },
          { type: 'rect', shape: { x: mid[0] - w, y: mid[1] - 2, width: 2 * w, height: 4 }, style: { fill: '#111' } },
        ] };
      },
    }, {
      name: 'mean ± s.e. (trend)', type: 'line', data: runs.map(r => [r.run, r.mean]), showSymbol: false, z: 4,
      lineStyle: { color: '#111', width: 1, type: 'dotted' }, tooltip: { show: false },
    }];
  }

  function heatChart() {
    const h = D.ordering.heat;
    if (h.maxDepth === 0) return emptyChart('chart-ord-heat', 'No completed trials at the top rung yet');
    const data = [];
    for (let d = 0; d < h.maxDepth; d++) {
      if (h.best[d] !== null) data.push([d, 1, h.best[d], h.bestN[d]]);
      if (h.rest[d] !== null) data.push([d, 0, h.rest[d], h.restN[d]]);
    }
    return chart('chart-ord-heat', {
      title: title('Attention (orange) vs FFN (blue) at each depth', 'share of architectures with attention at that depth; best quartile by ' + yName + ' against the rest'),
      grid: { left: 170, right: 90, top: 64, bottom: 40 },
      tooltip: { formatter: p => 'depth ' + (p.data[0] + 1) + ', ' + (p.data[1] ? 'best quartile' : 'the rest') + ': attention in '
        + (100 * p.data[2]).toFixed(0) + '%, FFN in ' + (100 - 100 * p.data[2]).toFixed(0) + '% of ' + p.data[3] + ' architectures that deep' },
      xAxis: { type: 'category', data: Array.from({ length: h.maxDepth }, (_, i) => String(i + 1)), name: 'depth (1 = next to the embedding)', nameLocation: 'middle', nameGap: 26, splitArea: { show: true } },
      yAxis: { type: 'category', data: ['the rest (' + h.restCount + ')', 'best quartile (' + h.bestCount + ')'], splitArea: { show: true } },
      visualMap: { min: 0, max: 1, dimension: 2, calculable: false, orient: 'vertical', right: 0, top: 60, itemHeight: 120,
        text: ['attention', 'FFN'], inRange: { color: [FFN, '#f2f2f2', ATTN] }, textStyle: { fontSize: 10 } },
      series: [{ name: 'attention share', type: 'heatmap', data: data,
        label: { show: h.maxDepth <= 32, formatter: p => (100 * p.data[2]).toFixed(0) + '%', fontSize: 10 },
        itemStyle: { borderColor: '#fff', borderWidth: 1 } }],
    });
  }

  // ---------- all trials ----------
  const TABLE = { rows: [], sort: 'index', dir: 1, page: 0, size: 100 };
  const statusName = i => D.statuses[T.status[i]];
  const SORT = {
    index: i => i, key: i => T.key[i], arch: i => notation(T.arch[i]), rung: i => T.rung[i], status: statusName,
    bpb: i => T.bpb[i], params: i => T.params[i], flops: i => T.flops[i], seconds: i => T.seconds[i], gen: i => T.gen[i],
    strategy: i => D.strategies[T.strategy[i]], seed: i => T.seed[i], failure: i => T.failure[i],
  };

  function filterTrials() {
    const text = document.getElementById('trial-filter').value.trim().toLowerCase();
    const st = document.getElementById('trial-status').value, rung = document.getElementById('trial-rung').value;
    const rows = [];
    for (let i = 0; i < NT; i++) {
      if (st !== '' && statusName(i) !== st) continue;
      if (rung !== '' && String(T.rung[i]) !== rung) continue;
      if (text && !(D.archs[T.arch[i]].toLowerCase().includes(text) || T.key[i].toLowerCase().includes(text)
        || T.failure[i].toLowerCase().includes(text) || D.strategies[T.strategy[i]].toLowerCase().includes(text))) continue;
      rows.push(i);
    }
    const f = SORT[TABLE.sort], dir = TABLE.dir;
    rows.sort((a, b) => {
      const x = f(a), y = f(b);
      const xn = x === null || x === '' , yn = y === null || y === '';
      if (xn || yn) return xn === yn ? a - b : xn ? 1 : -1; // missing values last either way
      return (x < y ? -1 : x > y ? 1 : a - b) * dir;
    });
    TABLE.rows = rows;
    TABLE.page = 0;
    renderTrials();
  }

  function renderTrials() {
    const rows = TABLE.rows, pages = Math.max(1, Math.ceil(rows.length / TABLE.size));
    TABLE.page = Math.min(TABLE.page, pages - 1);
    const from = TABLE.page * TABLE.size, to = Math.min(rows.length, from + TABLE.size);
    let html = '';
    for (let k = from; k < to; k++) {
      const i = rows[k], st = statusName(i);
      html += '<tr class="pickable' + (picked.has(i) ? ' picked' : '') + '" data-trial="' + i + '">'
        + '<td class="num">' + (i + 1) + '</td><td><code>' + esc(T.key[i].length > 14 ? T.key[i].slice(0, 12) + '…' : T.key[i]) + '</code></td>'
        + '<td class="arch" title="' + esc(D.archs[T.arch[i]]) + '"><code>' + esc(notation(T.arch[i])) + '</code></td><td class="num">' + T.rung[i] + '</td>'
        + '<td><span class="chip ts-' + esc(st) + '">' + esc(st.replace('_', ' ')) + '</span></td>'
        + '<td class="num">' + f4(T.bpb[i]) + '</td><td class="num">' + si(T.params[i]) + '</td><td class="num">' + si(T.flops[i]) + '</td>'
        + '<td class="num">' + secs(T.seconds[i]) + '</td><td class="num">' + T.gen[i] + '</td>'
        + '<td>' + esc(D.strategies[T.strategy[i]]) + '</td>'
        + '<td class="failure" title="' + esc(T.failure[i]) + '">' + esc(T.failure[i]) + '</td>'
        + '<td class="num"><code>' + esc(T.seed[i]) + '</code></td></tr>';
    }
    document.querySelector('#trials-table tbody').innerHTML = html;
    document.getElementById('trial-count').textContent = rows.length === NT ? NT + ' trials'
      : rows.length + ' of ' + NT + ' trials match';
    document.getElementById('page-info').textContent = rows.length === 0 ? 'no rows'
      : 'rows ' + (from + 1) + '–' + to + ' of ' + rows.length + ' (page ' + (TABLE.page + 1) + ' of ' + pages + ')';
    document.getElementById('page-prev').disabled = TABLE.page === 0;
    document.getElementById('page-next').disabled = TABLE.page >= pages - 1;
    document.querySelectorAll('#trials-table th[data-sort]').forEach(th => {
      th.classList.toggle('sorted-asc', th.dataset.sort === TABLE.sort && TABLE.dir === 1);
      th.classList.toggle('sorted-desc', th.dataset.sort === TABLE.sort && TABLE.dir === -1);
    });
  }

  function setupTrials() {
    const status = document.getElementById('trial-status');
    D.statuses.forEach((s, k) => {
      if (!T.status.includes(k)) return;
      const o = document.createElement('option');
      o.value = s; o.textContent = s.replace('_', ' ');
      status.appendChild(o);
    });
    const rung = document.getElementById('trial-rung');
    Array.from(new Set(T.rung)).sort((a, b) => a - b).forEach(r => {
      const o = document.createElement('option');
      o.value = String(r); o.textContent = String(r);
      rung.appendChild(o);
    });
    document.getElementById('trial-filter').addEventListener('input', filterTrials);
    status.addEventListener('change', filterTrials);
    rung.addEventListener('change', filterTrials);
    document.querySelectorAll('#trials-table th[data-sort]').forEach(th => th.addEventListener('click', () => {
      TABLE.dir = TABLE.sort === th.dataset.sort ? -TABLE.dir : 1;
      TABLE.sort = th.dataset.sort;
      filterTrials();
    }));
    document.getElementById('page-prev').addEventListener('click', () => { TABLE.page--; renderTrials(); });
    document.getElementById('page-next').addEventListener('click', () => { TABLE.page++; renderTrials(); });
    filterTrials();
  }

  function setupPicking() {
    document.addEventListener('click', e => {
      const tr = e.target.closest && e.target.closest('tr.pickable');
      if (tr) togglePick(Number(tr.dataset.trial));
    });
    document.getElementById('curves-reset').addEventListener('click', () => {
      picked.clear();
      document.querySelectorAll('tr.picked').forEach(tr => tr.classList.remove('picked'));
      drawCurves();
    });
    const save = document.getElementById('save-config');
    save.addEventListener('click', () => {
      const blob = new Blob([document.getElementById('config-resolved').textContent], { type: 'text/yaml' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = save.dataset.file;
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }

  /** Per chart: data items per series (from the chart model) and graphic elements drawn. */
  R.renderedPoints = function (id) {
    const c = R.charts[id];
    if (!c) return null;
    const model = c.getModel();
    const series = model.getSeries().map(s => ({ name: s.name, type: s.subType, count: s.getData().count() }));
    return { series: series, total: series.reduce((a, s) => a + s.count, 0), drawn: c.getZr().storage.getDisplayList(true).length };
  };
  R.pick = togglePick;

  function run(step) {
    try { step(); } catch (e) { R.errors.push(String(e && e.stack || e)); console.error(e); }
  }

  run(() => paretoChart('chart-pareto-params', 'non_embedding_params'));
  run(() => paretoChart('chart-pareto-flops', 'flops_per_token'));
  run(progressChart);
  run(rateChart);
  run(drawCurves);
  run(() => orderingChart('chart-ord-run', 'run', 'longest FFN run', true, runMeans()));
  run(() => orderingChart('chart-ord-share', 'ffnShare', 'FFN share of params', false));
  run(() => orderingChart('chart-ord-com', 'com', 'attention centre of mass (0 = bottom, 1 = top)', false));
  run(() => orderingChart('chart-ord-count', 'attn', 'number of attention sublayers', true));
  run(heatChart);
  run(setupTrials);
  run(setupPicking);
  window.addEventListener('resize', () => Object.values(R.charts).forEach(c => c.resize()));
  R.ready = true;
  document.body.setAttribute('data-report-ready', R.errors.length === 0 ? 'ok' : 'errors');
})();
