// Sluice dashboard script. Every page works without it; it only enhances:
// 1. figures in a `[data-refresh]` section are refreshed from that JSON URL in place;
// 2. `.charts[data-columns]` are drawn with uPlot (served by Sluice, no CDN) and refreshed too;
// 3. `form[data-enhance]` posts JSON to the admin backend with its real method and CSRF token,
//    and reports the answer in the form's status line (a new key is shown there, once).
// Served as a file so the page's CSP can be `script-src 'self'` with no inline code.
"use strict";

(() => {
  const REFRESH_MS = 5000;

  // ---- Charts --------------------------------------------------------------------------------

  /** @type {{plot: any, keys: string[]}[]} */
  const charts = [];

  function cssVar(name, fallback) {
    const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return v || fallback;
  }

  function chartWidth(el) {
    return Math.max(200, Math.floor(el.getBoundingClientRect().width));
  }

  function drawCharts() {
    const box = document.querySelector(".charts[data-columns]");
    if (!box || typeof globalThis.uPlot !== "function") return;
    const columns = JSON.parse(box.dataset.columns);
    const colors = [cssVar("--series-1", "#2563eb"), cssVar("--series-2", "#dc2626")];
    const axis = {
      stroke: cssVar("--muted", "#555"),
      grid: { stroke: cssVar("--grid", "#ddd"), width: 1 },
      ticks: { stroke: cssVar("--grid", "#ddd"), width: 1 },
    };
    for (const el of box.querySelectorAll(".chart[data-chart]")) {
      const keys = el.dataset.series.split(",");
      const labels = JSON.parse(el.dataset.labels);
      const opts = {
        width: chartWidth(el),
        height: 180,
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true } },
        axes: [axis, { ...axis, size: 56 }],
        series: [
          {},
          ...keys.map((_key, i) => ({
            label: labels[i],
            stroke: colors[i % colors.length],
            width: 2,
            spanGaps: false,
            // Latency and overhead have gaps (no requests, no figure): dots keep a lone bucket
            // visible where a line would need two.
            points: el.dataset.points ? { show: true, size: 5 } : { show: false },
          })),
        ],
      };
      const plot = new globalThis.uPlot(opts, dataFor(columns, keys), el);
      charts.push({ plot, keys, el });
    }
    if ("ResizeObserver" in globalThis) {
      const observer = new ResizeObserver(() => {
        for (const c of charts) c.plot.setSize({ width: chartWidth(c.el), height: 180 });
      });
      for (const c of charts) observer.observe(c.el);
    }
  }

  function dataFor(columns, keys) {
    return [columns.t, ...keys.map((k) => columns[k])];
  }

  // ---- Live refresh --------------------------------------------------------------------------

  function applyFigures(root, answer) {
    const figures = answer.figures || {};
    const states = answer.states || {};
    for (const el of root.querySelectorAll("[data-bind]")) {
      const name = el.dataset.bind;
      if (Object.hasOwn(figures, name) && el.textContent !== figures[name]) {
        el.textContent = figures[name];
      }
      if (Object.hasOwn(states, name) && el.dataset.state !== states[name]) {
        el.classList.remove(`state-${el.dataset.state}`);
        el.dataset.state = states[name];
        el.classList.add(`state-${states[name]}`);
      }
    }
    if (answer.columns) {
      for (const c of charts) c.plot.setData(dataFor(answer.columns, c.keys));
    }
  }

  function startRefresh() {
    const section = document.querySelector("[data-refresh]");
    if (!section) return;
    const url = section.dataset.refresh;
    const tick = async () => {
      if (!document.hidden) {
        try {
          const res = await fetch(url, {
            headers: { accept: "application/json" },
            credentials: "same-origin",
          });
          // Signed out (session ended): the page itself will send the browser to the login form.
          if (res.status === 401) return location.reload();
          if (res.ok) applyFigures(document, await res.json());
        } catch {
          // Offline for a moment: try again on the next tick.
        }
      }
      setTimeout(tick, REFRESH_MS);
    };
    setTimeout(tick, REFRESH_MS);
  }

  // ---- Forms ---------------------------------------------------------------------------------

  /** The form's fields as JSON: `a.b` names nest, `data-kind` says how to read a value. */
  function formJson(form) {
    const body = {};
    for (const el of form.elements) {
      if (!el.name || el.disabled || el.dataset.kind === "skip") continue;
      const value = readField(el);
      if (value === undefined) continue;
      const path = el.name.split(".");
      let target = body;
      for (const part of path.slice(0, -1)) target = target[part] ??= {};
      target[path.at(-1)] = value;
    }
    return body;
  }

  function readField(el) {
    const kind = el.dataset.kind;
    if (kind === "bool") return el.type === "checkbox" ? el.checked : el.value === "true";
    const text = el.value.trim();
    if (text === "") return undefined;
    if (kind === "number") return Number(text);
    if (kind === "list") {
      return text === "*" ? "*" : text.split(",").map((s) => s.trim()).filter(Boolean);
    }
    if (kind === "lines") return text.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
    return text;
  }

  /** One line saying what the backend answered: its error, its message, or a test's result. */
  function messageOf(answer, status) {
    if (answer && typeof answer === "object") {
      if (answer.error && answer.error.message) return answer.error.message;
      if (typeof answer.message === "string") return answer.message;
      if (typeof answer.ok === "boolean") {
        const parts = [answer.ok ? "✓ OK" : "✕ Failed"];
        if (answer.status != null) parts.push(`HTTP ${answer.status}`);
        if (answer.latency_ms != null) parts.push(`${answer.latency_ms} ms`);
        if (answer.reply) parts.push(`“${answer.reply}”`);
        if (answer.error) parts.push(answer.error);
        return parts.join(" · ");
      }
      if (typeof answer.name === "string") return `✓ ${answer.name}`;
    }
    return `HTTP ${status}`;
  }

  async function submit(form, event) {
    event.preventDefault();
    if (form.dataset.confirm && !confirm(form.dataset.confirm)) return;
    const status = form.querySelector(".status");
    const button = form.querySelector("button[type=submit]");
    const csrf = form.querySelector("input[name=_csrf]");
    if (button) button.disabled = true;
    if (status) status.textContent = "…";
    try {
      const res = await fetch(form.action, {
        method: form.dataset.method || "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "x-csrf-token": csrf ? csrf.value : "",
        },
        credentials: "same-origin",
        body: JSON.stringify(formJson(form)),
      });
      let answer;
      try {
        answer = await res.json();
      } catch {
        answer = undefined;
      }
      if (res.ok && form.dataset.then === "reload") return location.reload();
      if (res.ok && answer && typeof answer.key === "string") showSecret(form, answer.key);
      if (status) {
        status.textContent = messageOf(answer, res.status);
        status.classList.toggle("bad", !res.ok);
      }
    } catch (error) {
      if (status) status.textContent = String(error);
    } finally {
      if (button) button.disabled = false;
    }
  }

  /** A new key, shown once in its form; never stored anywhere by this page. */
  function showSecret(form, key) {
    const box = form.querySelector(".secret-once");
    if (!box) return;
    box.hidden = false;
    box.querySelector("output").textContent = key;
    form.querySelectorAll("input:not([type=hidden])").forEach((el) => (el.value = ""));
  }

  function enhanceForms() {
    for (const form of document.querySelectorAll("form[data-enhance]")) {
      form.addEventListener("submit", (event) => submit(form, event));
    }
  }

  function start() {
    drawCharts();
    startRefresh();
    enhanceForms();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
