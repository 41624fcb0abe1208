// Conversations of the company: list by last activity, a conversation's history, the patient's data export (JSON file)
// and erasure (conversation, chat bookings, webhook deliveries, statistics records).
import { api } from "../api.js";
import { h, clear, table, when, pill } from "../dom.js";
import { t } from "../i18n.js";
import { attempt, notify } from "../app.js";

export default async function conversations(main) {
  const listBox = h("section", { class: "card", id: "conversation-list" });
  const historyBox = h("section", { class: "card", id: "conversation-history" });
  main.append(listBox, historyBox);

  async function show(userID) {
    const answer = await attempt(() => api("GET", `/api/conversations/${encodeURIComponent(userID)}/history`));
    clear(historyBox).append(h("h2", {}, `${t("history")}: ${userID}`));
    if (!answer) return;
    historyBox.append(h("p", {}, `${t("botActive")}: `, pill(answer.bot_active ? t("yes") : t("no"), answer.bot_active ? "ok" : "warn")),
      h("div", { class: "chat" }, (answer.messages || []).map((message) => h("div", { class: `bubble ${message.role === "user" ? "user" : "assistant"}` },
        message.content, h("div", { class: "meta" }, `${when(message.timestamp)}${message.agent ? ` · ${message.agent}` : ""}`)))),
      h("div", { class: "row" },
        h("button", { class: "secondary", id: "export-conversation", onclick: async () => {
          const data = await attempt(() => api("GET", `/api/conversations/${encodeURIComponent(userID)}/export`));
          if (!data) return;
          const link = h("a", { href: URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" })),
            download: `conversation-${userID}.json` });
          document.body.append(link); link.click(); link.remove();
        } }, t("export")),
        h("button", { class: "danger", id: "delete-conversation", onclick: async () => {
          if (!confirm(t("confirmDelete"))) return;
          const erased = await attempt(() => api("DELETE", `/api/conversations/${encodeURIComponent(userID)}`));
          if (!erased) return;
          const counts = erased.erased || {};
          notify(`${t("deleted")} ${t("erasedCounts")}: ${counts.appointments ?? 0} · ${counts.webhook_events ?? 0} · ${counts.statistics_records ?? 0}`);
          clear(historyBox);
          load();
        } }, t("delete"))));
  }

  async function load() {
    const answer = await attempt(() => api("GET", "/api/conversations?page_size=100"));
    clear(listBox).append(h("h2", {}, `${t("conversations")} (${answer?.total_conversations ?? 0})`));
    if (!answer) return;
    listBox.append(table([t("userId"), t("lastActivity"), t("messages"), t("botActive"), ""], (answer.conversations || []).map((c) => [
      c.user_id, when(c.last_activity), String(c.message_count), c.bot_active ? t("yes") : t("no"),
      h("button", { class: "secondary", "data-user": c.user_id, onclick: () => show(c.user_id) }, t("history")),
    ])));
  }
  await load();
}
