// Health of every service and company, request rate and latency from /metrics (sampled every 3 s while the
// page is open) and the company's agent usage, as inline SVG charts.
import { api, metrics } from "../api.js";
import { h, clear, table, pill } from "../dom.js";
import { lineChart, barChart } from "../charts.js";
import { t } from "../i18n.js";
import { attempt } from "../app.js";

const history = { at: [], requests: [], latency: [] };
let current = null;

function tone(status) { return status === "healthy" ? "ok" : status === "degraded" ? "warn" : "bad"; }

function totals(samples) {
  let requests = 0, sum = 0, count = 0;
  for (const sample of samples) {
    if (sample.name === "gateway_http_requests_total") requests += sample.value;
    if (sample.name === "gateway_http_request_duration_seconds_sum") sum += sample.value;
    if (sample.name === "gateway_http_request_duration_seconds_count") count += sample.value;
  }
  return { requests, sum, count };
}

export default async function dashboard(main, context) {
  // One sampler at a time: the page's own interval, stopped when the page is left or shown again.
  if (current) clearInterval(current);
  let timer = null;
  const healthBox = h("section", { class: "card", "aria-labelledby": "health-title" }, h("h2", { id: "health-title" }, t("health")));
  const charts = h("div", { class: "grid" });
  main.append(healthBox, charts);

  const health = await attempt(() => fetch("/api/health", { headers: { "X-API-Key": sessionStorage.getItem("panel.key") || "" } }).then((r) => r.json()));
  if (health) {
    healthBox.append(h("p", {}, pill(t(health.status === "healthy" ? "healthy" : health.status === "degraded" ? "degraded" : "down"), tone(health.status)),
      ` ${health.version || ""}`));
    const services = Object.entries(health.services || {}).sort();
    healthBox.append(table([t("services"), t("status"), "ms"], services.map(([name, s]) => [name, pill(s.status, tone(s.status)), String(s.latency_ms ?? "—")])));
    const perCompany = health.companies?.health || {};
    const visible = Object.entries(perCompany).filter(([id]) => context.role === "admin" || id === context.company).sort();
    if (visible.length) {
      healthBox.append(h("h2", {}, t("companies")), table([t("id"), t("active"), "system", "vectorstore", "agents"], visible.map(([id, c]) => [
        id, c.is_active ? t("yes") : t("no"), pill(String(c.system_healthy), c.system_healthy ? "ok" : "bad"),
        pill(String(c.vectorstore_healthy), c.vectorstore_healthy ? "ok" : "bad"), String(c.agents_available)])));
    }
  }

  const requestsCard = h("section", { class: "card", id: "chart-requests" }, h("h2", {}, t("requests")));
  const latencyCard = h("section", { class: "card", id: "chart-latency" }, h("h2", {}, t("latency")));
  const usageCard = h("section", { class: "card", id: "chart-agents" }, h("h2", {}, t("agentUsage")));
  charts.append(requestsCard, latencyCard, usageCard);

  async function sample() {
    if (!document.body.contains(requestsCard)) { clearInterval(timer); if (current === timer) current = null; return; }
    try {
      const now = totals(await metrics());
      history.at.push({ time: Date.now(), ...now });
      if (history.at.length > 40) history.at.shift();
      const points = [], latencies = [];
      for (let index = 1; index < history.at.length; index += 1) {
        const a = history.at[index - 1], b = history.at[index];
        const seconds = Math.max(0.001, (b.time - a.time) / 1000);
        points.push(Math.max(0, (b.requests - a.requests) / seconds));
        const count = b.count - a.count;
        latencies.push(count > 0 ? ((b.sum - a.sum) / count) * 1000 : 0);
      }
      clear(requestsCard).append(h("h2", {}, t("requests")), lineChart(t("requests"), points.length ? points : [0], "/s"));
      clear(latencyCard).append(h("h2", {}, t("latency")), lineChart(t("latency"), latencies.length ? latencies : [0], " ms"));
    } catch (error) {
      clear(requestsCard).append(h("h2", {}, t("requests")), h("p", { class: "muted" }, error.message));
      clear(latencyCard).append(h("h2", {}, t("latency")), h("p", { class: "muted" }, error.message));
    }
  }
  await sample();
  timer = setInterval(sample, 3000);
  current = timer;

  if (context.company) {
    const stats = await attempt(() => api("GET", `/api/companies/${encodeURIComponent(context.company)}/stats`));
    const usage = Object.entries(stats?.statistics?.agent_usage || {}).sort((a, b) => b[1] - a[1]);
    usageCard.append(usage.length ? barChart(t("agentUsage"), usage) : h("p", { class: "muted" }, t("none")));
    if (stats?.statistics) {
      usageCard.append(h("p", { class: "muted" }, `${t("conversations")}: ${stats.statistics.conversations ?? 0} · ${t("messages")}: ${stats.statistics.messages ?? 0}`));
    }
  }
}
