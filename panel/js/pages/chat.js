// Chat tester: one message through the router and agents of the company, with the agent, intents, cited
// sources and timings the answer reports.
import { api } from "../api.js";
import { h, clear, field, table } from "../dom.js";
import { t } from "../i18n.js";
import { attempt } from "../app.js";

export default async function chat(main) {
  const user = h("input", { id: "chat-user", value: sessionStorage.getItem("panel.chatUser") || "panel-tester" });
  const message = h("textarea", { id: "chat-message", required: true, rows: 3 });
  const log = h("div", { class: "chat card", id: "chat-log", "aria-live": "polite" });
  const details = h("section", { class: "card", id: "chat-details" });
  const form = h("form", { class: "card", id: "chat-form" }, h("div", { class: "row" }, field(t("userId"), user)), field(t("message"), message),
    h("button", { type: "submit", id: "chat-send" }, t("send")));
  main.append(form, log, details);
  message.addEventListener("keydown", (event) => { if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit(); });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = message.value.trim();
    if (!text) return;
    sessionStorage.setItem("panel.chatUser", user.value.trim());
    log.append(h("div", { class: "bubble user" }, text));
    message.value = "";
    const answer = await attempt(() => api("POST", `/api/conversations/${encodeURIComponent(user.value.trim() || "panel-tester")}/test`, { message: text }));
    if (!answer) return;
    log.append(h("div", { class: "bubble assistant", "data-agent": answer.agent_used }, answer.bot_response,
      h("div", { class: "meta" }, `${t("agent")}: ${answer.agent_used}`)));
    log.scrollTop = log.scrollHeight;
    const context = answer.context || {};
    clear(details).append(
      h("h2", {}, t("agent")), h("p", { id: "chat-agent" }, answer.agent_used, context.escalated ? " · escalated" : ""),
      h("h2", {}, t("intents")), h("p", { id: "chat-intents" }, (answer.intents || []).map((i) => `${i.intent} ${(i.confidence * 100).toFixed(0)} %`).join(" · ") || "—"),
      h("h2", {}, t("sources")),
      (context.rag_sources || []).length
        ? table([t("title"), t("heading"), t("score")], context.rag_sources.map((s) => [s.title || s.document_id, s.heading || "—", Number(s.score).toFixed(3)]))
        : h("p", { class: "muted", id: "chat-no-sources" }, t("none")),
      h("h2", {}, t("timings")), h("p", { class: "muted" }, Object.entries(context.timings_ms || {}).map(([k, v]) => `${k} ${Number(v).toFixed(2)}`).join(" · ")),
      h("p", { class: "muted" }, `${t("provider")}: ${context.provider || "builtin"}`));
    message.focus();
  });
  message.focus();
}
