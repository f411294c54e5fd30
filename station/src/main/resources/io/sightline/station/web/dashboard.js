/*
 * Sightline dashboard: polls the station's JSON and draws it. Every request carries the token the
 * page was opened with (?token=...), if any. Text goes in with textContent only.
 *
 *   api/state    every second:   counters, cameras, sink, ring, trend, thresholds, model (shadow run), review queue
 *   camera PNGs  twice a second: fetched with the browser's ETag check, swapped only when the frame changed,
 *                captioned from the response's X-Sightline-* headers (the decision of that very frame)
 *   api/rejects  every 2 s:      the journal's latest rejects
 */
(function () {
  'use strict';

  var STATE_MS = 1000;
  var IMAGE_MS = 500;
  var REJECTS_MS = 2000;
  var TREND_WINDOW_S = 120;
  var COLOURS = { pass: '#22c55e', reject: '#ef4444', failsafe: '#f59e0b' };
  var DETECTOR_COLOURS = ['#38bdf8', '#a78bfa', '#f472b6', '#facc15', '#2dd4bf', '#fb923c'];

  var token = new URLSearchParams(location.search).get('token');
  function withToken(path) {
    return token ? path + (path.indexOf('?') >= 0 ? '&' : '?') + 'token=' + encodeURIComponent(token) : path;
  }

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (k === 'text') e.textContent = attrs[k];
        else if (k === 'className') e.className = attrs[k];
        else e.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }

  function setText(id, text) {
    var e = $(id);
    if (e && e.textContent !== String(text)) e.textContent = String(text);
  }

  function fmtInt(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'); }
  function fmt(n, digits) { return n === null || n === undefined ? '–' : Number(n).toFixed(digits); }

  function fmtDuration(s) {
    s = Math.floor(s);
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return (h < 10 ? '0' : '') + h + ':' + (m < 10 ? '0' : '') + m + ':' + (sec < 10 ? '0' : '') + sec;
  }

  function chip(id, text, kind) {
    var e = $(id);
    if (!e) return;
    e.textContent = text;
    e.className = 'chip' + (kind ? ' ' + kind : '');
  }

  function decisionKind(decision) {
    return decision === 'pass' ? 'ok' : decision === 'reject' ? 'bad' : 'warn';
  }

  async function getJson(path) {
    var r = await fetch(withToken(path), { cache: 'no-store' });
    var body = await r.json();
    if (!r.ok) throw new Error(path + ': ' + (body && body.error ? body.error : 'HTTP ' + r.status));
    return body;
  }

  // ---- layout, built once from the first state

  var built = false;
  var charts = [];
  var previous = null;
  var shownTags = [];
  var shownUrls = [];

  function build(state) {
    setText('station-name', state.station);
    document.title = 'Sightline ' + state.station;
    var lines = $('lines');
    state.lines.forEach(function (l) {
      var n = l.line;
      var cameras = el('div', { className: 'line-cameras', id: 'line-' + n + '-cameras' });
      state.cameras.filter(function (c) { return c.line === n; }).forEach(function (c) {
        cameras.appendChild(el('div', { className: 'card', id: 'camera-' + c.index }, [
          el('h3', {}, [el('span', { text: c.view ? 'camera ' + c.index + ' · ' + c.view : 'camera ' + c.index }),
            el('span', { className: 'name', text: c.name, title: c.name })]),
          el('img', { className: 'frame', id: 'camera-img-' + c.index, alt: 'camera ' + c.index + ': latest decided frame' }),
          el('div', { className: 'frame-info' }, [
            el('span', { className: 'chip decision', id: 'camera-decision-' + c.index, text: 'waiting' }),
            el('span', {}, [el('span', { className: 'muted', text: 'score ' }), el('b', { id: 'camera-score-' + c.index, text: '–' })]),
            el('span', {}, [el('span', { className: 'muted', text: 'part ' }), el('b', { id: 'camera-part-' + c.index, text: '–' })]),
            el('span', { className: 'muted', id: 'camera-frames-' + c.index, text: '' })
          ])
        ]));
      });
      function counter(kind, label, id) {
        return el('div', { className: 'counter ' + kind }, [
          el('div', { className: 'label', text: label }), el('div', { className: 'value', id: id, text: '–' })]);
      }
      var reasons = el('div', { className: 'reasons', id: 'failsafe-reasons-line-' + n });
      Object.keys(l.failsafeByReason).forEach(function (r) {
        reasons.appendChild(el('span', { id: 'failsafe-line-' + n + '-' + r + '-box' }, [
          el('span', { text: r + ' ' }), el('b', { id: 'failsafe-line-' + n + '-' + r, text: '0' })]));
      });
      var counters = el('div', { className: 'card', id: 'counters-line-' + n }, [
        el('h3', {}, [el('span', { text: 'Line ' + n }),
          el('span', { className: 'name' }, [el('span', { text: 'threshold ' }), el('b', { id: 'threshold-line-' + n, text: '–' })])]),
        el('div', { className: 'counters' }, [
          counter('', 'captured', 'captured-line-' + n),
          counter('pass', 'passed', 'passed-line-' + n),
          counter('reject', 'rejected', 'rejected-line-' + n),
          counter('failsafe', 'fail-safe', 'failsafe-line-' + n),
          counter('', 'in flight', 'inflight-line-' + n),
          counter('', 'parts / s', 'throughput-line-' + n)
        ]),
        reasons
      ]);
      var canvas = el('canvas', { id: 'trend-chart-line-' + n, 'aria-label': 'line ' + n + ' trend chart', role: 'img' });
      var trend = el('div', { className: 'card', id: 'trend-line-' + n }, [
        el('h3', {}, [el('span', { text: 'Line ' + n + ' trend' })]),
        el('div', { className: 'chart-box' }, [canvas]),
        el('div', { className: 'detectors', id: 'trend-detectors-line-' + n })
      ]);
      lines.appendChild(el('div', { className: 'line-row', id: 'line-' + n }, [cameras, counters, trend]));
      charts.push(newChart(canvas, state.trend.detectors));
    });
    state.cameras.forEach(function () {
      shownTags.push(null);
      shownUrls.push(null);
    });
    if (!state.journal) setText('rejects-note', 'no decision journal is configured');
    built = true;
  }

  function newChart(canvas, detectors) {
    var datasets = detectors.map(function (name, i) {
      var colour = DETECTOR_COLOURS[i % DETECTOR_COLOURS.length];
      return { label: name, data: [], borderColor: colour, backgroundColor: colour, borderWidth: 2, pointRadius: 0, tension: 0 };
    });
    datasets.push({ label: 'limit', data: [{ x: -TREND_WINDOW_S, y: 1 }, { x: 0, y: 1 }], borderColor: COLOURS.reject,
      borderDash: [8, 6], borderWidth: 2, pointRadius: 0 });
    datasets.push({ label: 'alarm raised', type: 'scatter', data: [], pointStyle: 'triangle', pointRadius: 9,
      borderColor: COLOURS.reject, backgroundColor: COLOURS.reject });
    datasets.push({ label: 'alarm cleared', type: 'scatter', data: [], pointStyle: 'rectRot', pointRadius: 7,
      borderColor: COLOURS.pass, backgroundColor: COLOURS.pass });
    // the LSTM's forecast interval (its rate is the lstm line): lower end, then upper end filled down to it
    var lstm = detectors.indexOf('lstm');
    if (lstm >= 0) {
      var band = DETECTOR_COLOURS[lstm % DETECTOR_COLOURS.length];
      datasets.push({ label: 'lstm interval', data: [], borderColor: band, borderWidth: 0, pointRadius: 0, fill: false });
      datasets.push({ label: 'lstm interval (upper)', data: [], borderColor: band, backgroundColor: band + '33', borderWidth: 0,
        pointRadius: 0, fill: '-1' });
    }
    return new Chart(canvas, {
      type: 'line',
      data: { datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        spanGaps: false,
        interaction: { mode: 'nearest', intersect: false },
        scales: {
          x: { type: 'linear', min: -TREND_WINDOW_S, max: 0,
            title: { display: true, text: 'seconds before now' },
            ticks: { callback: function (v) { return v === 0 ? 'now' : v + ' s'; } } },
          y: { suggestedMin: 0, suggestedMax: 1.2, title: { display: true, text: 'statistic / limit' } }
        },
        plugins: {
          legend: { labels: { boxWidth: 14 } },
          tooltip: { callbacks: { label: function (ctx) {
            var p = ctx.raw;
            if (p.raw === undefined) return ctx.dataset.label;
            return ctx.dataset.label + ': ' + fmt(p.raw, 4) + ' (limit ' + fmt(p.limit, 4) + ')' + (p.rule ? ' — ' + p.rule : '');
          } } }
        }
      }
    });
  }

  // ---- rendering each state

  function render(state) {
    var t = state.totals;
    setText('uptime', fmtDuration(state.uptimeSeconds));
    setText('captured-total', fmtInt(t.captured));
    setText('passed-total', fmtInt(t.passed));
    setText('rejected-total', fmtInt(t.rejected));
    setText('failsafe-total', fmtInt(t.failsafe));
    setText('inflight-total', fmtInt(t.inFlight));
    // in flight is what is captured and not yet decided: below zero, some part would have two outcomes
    chip('balance', t.balanced ? 'one outcome per part' : 'MORE OUTCOMES THAN PARTS', t.balanced ? 'ok' : 'bad');
    var stopped = $('line-stopped');
    stopped.hidden = !state.lineStopped;
    if (state.lineStopped) stopped.textContent = 'THE STATION STOPPED THE LINE: ' + state.lineStopped;

    var dt = previous ? state.uptimeSeconds - previous.uptimeSeconds : 0;
    state.lines.forEach(function (l) {
      var n = l.line;
      setText('captured-line-' + n, fmtInt(l.captured));
      setText('passed-line-' + n, fmtInt(l.passed));
      setText('rejected-line-' + n, fmtInt(l.rejected));
      setText('failsafe-line-' + n, fmtInt(l.failsafe));
      setText('inflight-line-' + n, fmtInt(l.inFlight));
      setText('threshold-line-' + n, fmt(l.threshold, 3));
      Object.keys(l.failsafeByReason).forEach(function (r) {
        var v = l.failsafeByReason[r];
        setText('failsafe-line-' + n + '-' + r, fmtInt(v));
        var box = $('failsafe-line-' + n + '-' + r + '-box');
        if (box) box.className = v > 0 ? 'nonzero' : '';
      });
      if (previous && dt > 0) {
        var before = previous.lines[n];
        var decided = l.passed + l.rejected + l.failsafe - (before.passed + before.rejected + before.failsafe);
        setText('throughput-line-' + n, fmt(decided / dt, 1));
      }
    });

    state.cameras.forEach(function (c) {
      setText('camera-frames-' + c.index, fmtInt(c.frames) + ' frames' + (c.connected ? '' : ' · DISCONNECTED')
        + (c.unreadable ? ' · ' + c.unreadable + ' unreadable' : '') + (c.missed ? ' · ' + c.missed + ' missed' : ''));
    });

    var sink = state.sink;
    chip('sink-status', sink.up ? 'UP' : 'DOWN', sink.up ? 'ok' : 'bad');
    setText('sink-buffered', fmtInt(sink.buffered));
    setText('sink-dropped', fmtInt(sink.dropped));
    setText('sink-failures', fmtInt(sink.failures));
    setText('sink-error', sink.lastError || 'none');
    setText('ring-occupancy', fmtInt(state.ring.occupancy) + ' / ' + fmtInt(state.ring.size) + ' slots');
    setText('latency', fmt(t.latencyMs.p50, 1) + ' ms / ' + fmt(t.latencyMs.p99, 1) + ' ms');
    setText('mean-batch', fmt(t.meanBatch, 2));
    setText('threshold-configured', fmt(state.thresholds.configured, 3)
      + (state.thresholds.adjustable ? ' (adjustable: POST api/thresholds)' : ''));
    setText('errors', fmtInt(state.errors.handlerErrors) + ' / ' + fmtInt(state.errors.watchdogExpired));

    state.trend.lines.forEach(function (line) { renderTrend(line); });
    renderModel(state.model, state.review);
    previous = state;
  }

  function rows(bodyId, data) {
    var body = $(bodyId);
    body.replaceChildren.apply(body, data.map(function (cells) {
      return el('tr', null, cells.map(function (c) { return el('td', { text: c }); }));
    }));
  }

  // the live model, its shadow run (agreement, live x candidate confusion per line) and the review queue
  function renderModel(model, review) {
    setText('model-live', model ? model.label : '–');
    var shadow = model ? model.shadow : null;
    $('shadow-table').hidden = !shadow;
    if (!shadow) {
      setText('shadow-status', 'none (POST api/models/shadow)');
    } else {
      var images = shadow.disagreementImages;
      setText('shadow-status', shadow.candidate + ' · agreement ' + (shadow.agreement === null ? '–' : fmt(100 * shadow.agreement, 2) + ' %')
        + ' · ' + fmtInt(shadow.framesScored) + ' scored, ' + fmtInt(shadow.framesSkipped) + ' skipped (every ' + shadow.sampleEvery + '.)'
        + (images.saving ? ' · disagreements kept ' + fmtInt(images.kept) + ' of ' + fmtInt(images.offered) : ' · disagreements counted, not saved'));
      rows('shadow-body', shadow.lines.map(function (l) {
        var c = l.confusion;
        return [String(l.line), fmtInt(l.scored), l.agreement === null ? '–' : fmt(100 * l.agreement, 2) + ' %', fmtInt(c.livePassCandidatePass),
          fmtInt(c.livePassCandidateReject), fmtInt(c.liveRejectCandidatePass), fmtInt(c.liveRejectCandidateReject)];
      }));
    }
    $('review-table').hidden = !review;
    if (!review) {
      setText('review-status', 'none (a review section in the station config)');
      return;
    }
    setText('review-status', review.dir + ' · kept ' + fmtInt(review.kept) + ' · over the hourly limit ' + fmtInt(review.rateLimited)
      + ' · folder full ' + fmtInt(review.full) + ' · writer busy ' + fmtInt(review.busy) + (review.lastError ? ' · ' + review.lastError : ''));
    rows('review-body', review.lines.map(function (l) {
      return [l.line, fmtInt(l.kept), fmtInt(l.waiting), fmt(l.waitingBytes / 1048576, 1)];
    }));
  }

  function renderTrend(line) {
    var chart = charts[line.line];
    var status = $('trend-detectors-line-' + line.line);
    var raised = [];
    var cleared = [];
    var chips = [];
    var lowerBand = [];
    var upperBand = [];
    line.detectors.forEach(function (d, i) {
      var s = d.samples;
      var points = [];
      for (var k = 0; k < s.secondsAgo.length; k++) {
        var v = s.value[k];
        var lim = s.limit[k];
        var ok = v !== null && lim !== null && lim !== 0;
        points.push({ x: -s.secondsAgo[k], y: ok ? v / lim : null, raw: v, limit: lim });
      }
      chart.data.datasets[i].data = points;
      if (d.forecast && d.watched) {
        for (var b = 0; b < s.secondsAgo.length; b++) {
          var l = s.limit[b];
          var has = s.lower[b] !== null && l !== null && l !== 0;
          lowerBand.push({ x: -s.secondsAgo[b], y: has ? s.lower[b] / l : null, raw: s.lower[b], limit: l });
          upperBand.push({ x: -s.secondsAgo[b], y: has ? s.upper[b] / l : null, raw: s.upper[b], limit: l });
        }
      }
      d.alarms.forEach(function (a) {
        if (a.secondsAgo > TREND_WINDOW_S || a.value === null || !a.limit) return;
        var p = { x: -a.secondsAgo, y: a.value / a.limit, raw: a.value, limit: a.limit, rule: d.name + ' · ' + a.rule };
        (a.raised ? raised : cleared).push(p);
      });
      var text = d.name + ': ' + (!d.watched ? 'not on this line'
        : d.statistic === null ? 'learning the baseline'
        : d.forecast ? 'expected ' + fmt(100 * d.statistic, 2) + ' % rejects in the next ' + d.forecast.horizonParts + ' parts ('
          + fmt(100 * d.forecast.level, 0) + ' %: ' + fmt(100 * d.forecast.lower, 2) + '–' + fmt(100 * d.forecast.upper, 2)
          + ' %) / limit ' + fmt(100 * d.limit, 2) + ' %'
        : fmt(d.statistic, 3) + ' / ' + fmt(d.limit, 3))
        + (d.alarmsRaised ? ' · ' + d.alarmsRaised + ' alarm' + (d.alarmsRaised === 1 ? '' : 's') : '');
      chips.push({ id: 'trend-alarm-line-' + line.line + '-' + d.name, text: (d.alarmed ? 'ALARM ' : '') + text,
        kind: d.alarmed ? 'bad' : d.statistic === null ? '' : 'ok' });
    });
    // each defect class's rate (multi-class models): "crack rising on line 2" while its alarm is raised
    (line.classes || []).forEach(function (c) {
      var f = c.forecast || {};
      var expected = f.rate === null || f.rate === undefined ? ''
        : ': expected ' + fmt(100 * f.rate, 2) + ' % in the next ' + f.horizonParts + ' parts (' + fmt(100 * f.level, 0) + ' %: '
          + fmt(100 * f.lower, 2) + '–' + fmt(100 * f.upper, 2) + ' %)';
      var text = c.alarmed ? 'ALARM ' + c['class'] + ' rising on line ' + line.line + expected
        : c['class'] + (c.statistic === null ? ': learning the baseline'
          : expected + ', in control ' + fmt(100 * c.baselineRate, 2) + ' % · CUSUM ' + fmt(c.statistic, 2) + ' / ' + fmt(c.limit, 2));
      if (c.alarmsRaised) text += ' · ' + c.alarmsRaised + ' alarm' + (c.alarmsRaised === 1 ? '' : 's');
      chips.push({ id: 'trend-class-line-' + line.line + '-' + c['class'], text: text,
        kind: c.alarmed ? 'bad' : c.statistic === null ? '' : 'ok' });
    });
    var n = line.detectors.length;
    // the window shows what there is: at least 30 s, at most the 120 s the station keeps
    var oldest = 0;
    line.detectors.forEach(function (d) { if (d.samples.secondsAgo.length) oldest = Math.max(oldest, d.samples.secondsAgo[0]); });
    var span = Math.min(TREND_WINDOW_S, Math.max(30, Math.ceil(oldest / 10) * 10));
    chart.options.scales.x.min = -span;
    chart.data.datasets[n].data = [{ x: -span, y: 1 }, { x: 0, y: 1 }];
    chart.data.datasets[n + 1].data = raised;
    chart.data.datasets[n + 2].data = cleared;
    if (chart.data.datasets.length > n + 3) {
      chart.data.datasets[n + 3].data = lowerBand;
      chart.data.datasets[n + 4].data = upperBand;
    }
    chart.update('none');
    chips.forEach(function (c) {
      var e = $(c.id);
      if (!e) { e = el('span', { id: c.id }); status.appendChild(e); }
      e.textContent = c.text;
      e.className = 'chip' + (c.kind ? ' ' + c.kind : '');
    });
  }

  // ---- polling

  function connection(ok, message) {
    chip('connection', ok ? 'live' : 'no connection', ok ? 'ok' : 'bad');
    $('connection').title = message || '';
  }

  async function pollState() {
    try {
      var state = await getJson('api/state');
      if (!built) build(state);
      render(state);
      connection(true);
    } catch (e) {
      connection(false, e.message);
    } finally {
      setTimeout(pollState, STATE_MS);
    }
  }

  async function pollImages() {
    try {
      if (previous) {
        for (var i = 0; i < previous.cameras.length; i++) {
          if (!previous.cameras[i].latest) continue;
          var r = await fetch(withToken('api/cameras/' + i + '/latest.png'), { cache: 'no-cache' });
          if (!r.ok) continue;
          var tag = r.headers.get('ETag');
          if (tag && tag === shownTags[i]) continue;
          var url = URL.createObjectURL(await r.blob());
          var img = $('camera-img-' + i);
          var old = shownUrls[i];
          img.src = url;
          // the caption comes with the picture: the same frame's decision, score and part
          var score = r.headers.get('X-Sightline-Score');
          chip('camera-decision-' + i, r.headers.get('X-Sightline-Label'), decisionKind(r.headers.get('X-Sightline-Decision')));
          setText('camera-score-' + i, score ? score : '–');
          setText('camera-part-' + i, r.headers.get('X-Sightline-Part'));
          shownTags[i] = tag;
          shownUrls[i] = url;
          if (old) URL.revokeObjectURL(old);
        }
      }
    } catch (e) {
      connection(false, e.message);
    } finally {
      setTimeout(pollImages, IMAGE_MS);
    }
  }

  async function pollRejects() {
    try {
      if (previous && previous.journal) {
        var body = await getJson('api/rejects?limit=12');
        var tbody = $('rejects-body');
        var rows = body.rejects.map(function (r) {
          var time = new Date(r.decided);
          return el('tr', {}, [
            el('td', { text: time.toLocaleTimeString('en-GB') + '.' + String(time.getMilliseconds()).padStart(3, '0') }),
            el('td', { text: String(r.line) }),
            el('td', { text: String(r.part) }),
            el('td', { text: r.camera || '' }),
            el('td', { className: r.decision, text: r.decision === 'reject' ? 'REJECT' : 'FAIL-SAFE' }),
            el('td', { text: r.reason }),
            el('td', { text: r.score === null ? '–' : fmt(r.score, 3) })
          ]);
        });
        tbody.replaceChildren.apply(tbody, rows);
        setText('rejects-note', rows.length ? 'from the decision journal, newest first' : 'none yet');
      }
    } catch (e) {
      setText('rejects-note', e.message);
    } finally {
      setTimeout(pollRejects, REJECTS_MS);
    }
  }

  Chart.defaults.color = '#cbd5e1';
  Chart.defaults.borderColor = '#26344f';
  Chart.defaults.font.size = 14;
  pollState();
  pollImages();
  pollRejects();
})();
