// Documents of the company: upload a file (with progress) or text, list, search with scores and cited
// headings, delete with confirmation.
import { api, upload } from "../api.js";
import { h, clear, field, table, when } from "../dom.js";
import { t } from "../i18n.js";
import { attempt, notify } from "../app.js";

export default async function documents(main) {
  const file = h("input", { type: "file", id: "upload-file", accept: ".txt,.md,.html,.htm,.pdf,text/plain,text/markdown,text/html,application/pdf" });
  const progress = h("progress", { id: "upload-progress", max: 1, value: 0, "aria-label": t("progress") });
  const uploadForm = h("form", { class: "card", id: "upload-form" }, h("h2", {}, t("upload")), field(t("file"), file), progress,
    h("button", { type: "submit", id: "upload-button" }, t("upload")));
  const title = h("input", { id: "doc-title" });
  const content = h("textarea", { id: "doc-content", required: true });
  const textForm = h("form", { class: "card", id: "text-form" }, h("h2", {}, t("uploadText")), field(t("title"), title), field(t("content"), content),
    h("button", { type: "submit", id: "add-text" }, t("create")));
  const query = h("input", { id: "search-query", type: "search", required: true });
  const searchResults = h("div", { id: "search-results", "aria-live": "polite" });
  const searchForm = h("form", { class: "card", id: "search-form", role: "search" }, h("h2", {}, t("search")),
    h("div", { class: "row" }, field(t("query"), query), h("button", { type: "submit", id: "search-button" }, t("search"))), searchResults);
  const listBox = h("section", { class: "card", id: "document-list" });
  main.append(h("div", { class: "grid" }, uploadForm, textForm), searchForm, listBox);

  async function load() {
    const answer = await attempt(() => api("GET", "/api/documents?page_size=100"));
    clear(listBox).append(h("h2", {}, `${t("documents")} (${answer?.total_documents ?? 0})`));
    if (!answer) return;
    listBox.append(table([t("title"), t("content"), t("chunks"), t("created_at"), ""], (answer.documents || []).map((doc) => [
      doc.title || doc.id, h("span", { class: "muted" }, doc.content || ""), String(doc.chunk_count ?? ""), when(doc.created_at),
      h("button", { class: "danger", "data-document": doc.id, onclick: async () => {
        if (!confirm(`${t("confirmDelete")} (${doc.title || doc.id})`)) return;
        if (await attempt(() => api("DELETE", `/api/documents/${encodeURIComponent(doc.id)}`))) { notify(t("deleted")); load(); }
      } }, t("delete")),
    ])));
  }

  uploadForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!file.files.length) return;
    const form = new FormData();
    form.append("file", file.files[0]);
    progress.value = 0;
    const answer = await attempt(() => upload("/api/documents/upload", form, (fraction) => { progress.value = fraction; }));
    if (answer) { progress.value = 1; notify(`${t("created")} ${answer.document_id} (${answer.chunk_count} ${t("chunks")})`); uploadForm.reset(); load(); }
  });
  textForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await attempt(() => api("POST", "/api/documents", { title: title.value.trim() || undefined, content: content.value }));
    if (answer) { notify(`${t("created")} ${answer.document_id}`); textForm.reset(); load(); }
  });
  searchForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = await attempt(() => api("POST", "/api/documents/search", { query: query.value, k: 5 }));
    clear(searchResults);
    if (!answer) return;
    searchResults.append(h("p", { class: "muted" }, `${answer.results_count} ${t("results")} · ${answer.timing_ms ?? "?"} ms`),
      table([t("title"), t("heading"), t("score"), t("content")], (answer.results || []).map((result) => [
        result.title || result.document_id, result.heading || "—", Number(result.score).toFixed(3), result.content,
      ])));
  });
  await load();
}
