// Berth console behaviour. No inline scripts anywhere (the Content-Security-Policy forbids them): everything the
// pages do in the browser is here, wired to data attributes.
(function () {
  'use strict';

  var live = function (text) {
    var region = document.getElementById('live');
    if (region) {
      region.textContent = '';
      window.setTimeout(function () { region.textContent = text; }, 50);
    }
  };

  // htmx: every request carries the CSRF token, and says it comes from script so that an expired login answers
  // 499 instead of redirecting the fragment to the login page; then the whole page reloads and logs in again.
  document.addEventListener('htmx:configRequest', function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { e.detail.headers['X-CSRF-Token'] = meta.content; }
    e.detail.headers['X-Requested-With'] = 'JavaScript';
  });
  document.addEventListener('htmx:responseError', function (e) {
    var status = e.detail.xhr.status;
    if (status === 499 || status === 401) { window.location.reload(); return; }
    live('That did not work (error ' + status + '). Reload the page and try again.');
  });

  // Forms that need a second thought.
  document.addEventListener('submit', function (e) {
    var form = e.target.closest('form[data-confirm]');
    if (form && !window.confirm(form.getAttribute('data-confirm'))) { e.preventDefault(); }
  }, true);

  // Copy buttons: data-copy names the field whose value is copied.
  document.addEventListener('click', function (e) {
    var button = e.target.closest('button[data-copy]');
    if (!button) { return; }
    var field = document.getElementById(button.getAttribute('data-copy'));
    if (!field) { return; }
    var done = function () {
      var before = button.textContent;
      button.textContent = 'Copied';
      live('Copied to the clipboard');
      window.setTimeout(function () { button.textContent = before; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { field.select(); live('Press Ctrl+C to copy'); });
    } else {
      field.select();
      try { document.execCommand('copy'); done(); } catch (err) { live('Press Ctrl+C to copy'); }
    }
  });

  // Charts: a canvas with data-chart holds its data as JSON (see io.berth.web.Charts).
  var palette = { cpu: '#1f6feb', memory: '#8250df', storage: '#1a7f37', external_egress: '#bf3989',
    external_ingress: '#d4a72c', internal_traffic: '#57606a', nodeport: '#cf222e', loadbalancer: '#0a3069',
    revenue: '#1a7f37' };
  var fallback = ['#1f6feb', '#8250df', '#1a7f37', '#bf3989', '#d4a72c', '#57606a', '#cf222e', '#0a3069'];

  // Hour buckets are "2026-11-20T09:00Z": show "11-20 09:00"; days stay as they are.
  var shortLabel = function (value) {
    var label = this.getLabelForValue(value);
    return label.length > 10 ? label.substring(5, 10) + ' ' + label.substring(11, 16) : label;
  };

  var drawCharts = function (root) {
    if (typeof window.Chart === 'undefined') { return; }
    (root || document).querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      if (window.Chart.getChart(canvas)) { return; }
      var spec = JSON.parse(canvas.getAttribute('data-chart'));
      var datasets = spec.datasets.map(function (d, i) {
        var color = palette[d.key] || fallback[i % fallback.length];
        return { label: d.label, data: d.data, micro: d.micro, backgroundColor: color, borderColor: color,
          fill: false, tension: 0.2, pointRadius: spec.type === 'line' ? 2 : 0 };
      });
      new window.Chart(canvas, {
        type: spec.type,
        data: { labels: spec.labels, datasets: datasets },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: 'index', intersect: false },
          scales: { x: { stacked: spec.stacked, ticks: { maxRotation: 0, autoSkip: true, callback: shortLabel } },
                    y: { stacked: spec.stacked, beginAtZero: true, title: { display: !!spec.unit, text: spec.unit } } },
          plugins: { legend: { position: 'bottom' } }
        }
      });
      canvas.setAttribute('data-chart-drawn', 'true');
    });
  };
  document.addEventListener('DOMContentLoaded', function () { drawCharts(document); });
  document.addEventListener('htmx:load', function (e) { drawCharts(e.detail.elt); });
})();
