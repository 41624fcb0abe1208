// The company's Chatwoot webhook inbox (admin): events by state with counts, dead letters, a payload (masked),
// and retry.
import { api } from "../api.js";
import { h, clear, table, when, pill } from "../dom.js";
import { t } from "../i18n.js";
import { attempt, notify } from "../app.js";

const tones = { done: "ok", pending: "warn", processing: "warn", dead: "bad" };

export default async function inbox(main, context) {
  const chooser = h("select", { id: "inbox-state", "aria-label": t("state") },
    ["", "pending", "processing", "done", "dead"].map((state) => h("option", { value: state }, state ? (state === "dead" ? t("dead") : state) : t("all"))));
  const counts = h("p", { id: "inbox-counts" });
  const listBox = h("div", { id: "inbox-list" });
  const detail = h("section", { class: "card", id: "inbox-detail", hidden: true });
  main.append(h("section", { class: "card" }, h("div", { class: "row" }, chooser, h("button", { class: "secondary", onclick: () => load() }, t("refresh"))),
    counts, listBox), detail);
  chooser.addEventListener("change", () => load());
  const company = encodeURIComponent(context.company);

  async function show(id) {
    const answer = await attempt(() => api("GET", `/api/admin/webhook/events/${encodeURIComponent(id)}?company_id=${company}`));
    if (!answer) return;
    detail.hidden = false;
    clear(detail).append(h("h2", {}, id), h("pre", {}, JSON.stringify(answer.payload, null, 2)),
      h("h2", {}, "outbox"), h("pre", {}, JSON.stringify(answer.outbox, null, 2)));
  }

  async function load() {
    const state = chooser.value ? `&state=${chooser.value}` : "";
    const answer = await attempt(() => api("GET", `/api/admin/webhook/events?company_id=${company}&page_size=100${state}`));
    clear(listBox);
    clear(counts);
    if (!answer) return;
    counts.append(...Object.entries(answer.counts || {}).map(([name, value]) => h("span", {}, pill(`${name}: ${value}`, tones[name] || ""), " ")));
    listBox.append(table([t("received"), "event", t("state"), t("attempts"), t("outcome"), t("lastError"), ""], (answer.events || []).map((event) => [
      when(event.received_at), `${event.event} #${event.conversation_id}`, pill(event.state, tones[event.state] || ""), String(event.attempts),
      event.outcome || "—", event.last_error || "—",
      h("div", { class: "row" },
        h("button", { class: "secondary", onclick: () => show(event.id) }, "JSON"),
        event.state === "dead" ? h("button", { "data-retry": event.id, onclick: async () => {
          if (await attempt(() => api("POST", `/api/admin/webhook/events/${encodeURIComponent(event.id)}/retry?company_id=${company}`))) { notify(t("saved")); load(); }
        } }, t("retry")) : null),
    ])));
    if (!(answer.events || []).length) listBox.append(h("p", { class: "muted" }, t("none")));
  }
  await load();
}
