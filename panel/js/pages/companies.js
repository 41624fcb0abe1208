// Companies (admin): list, create, edit the main fields and Chatwoot settings, deactivate, API keys.
import { api } from "../api.js";
import { h, clear, field, table, pill } from "../dom.js";
import { t } from "../i18n.js";
import { attempt, notify } from "../app.js";

export default async function companies(main, context) {
  const list = h("section", { class: "card", id: "company-list" });
  const editor = h("section", { class: "card", id: "company-editor" });
  main.append(list, editor);

  async function load() {
    const answer = await attempt(() => api("GET", "/api/admin/companies", undefined, { company: "" }));
    clear(list).append(h("h2", {}, `${t("companies")} (${answer?.total ?? 0})`));
    if (!answer) return;
    list.append(table([t("id"), t("name"), t("tier"), t("active"), ""], (answer.companies || []).map((company) => [
      company.company_id, company.company_name, company.subscription_tier || "—",
      pill(company.is_active ? t("yes") : t("no"), company.is_active ? "ok" : "bad"),
      h("button", { class: "secondary", onclick: () => edit(company.company_id), "data-company": company.company_id }, t("edit")),
    ])));
  }

  function newForm() {
    const id = h("input", { id: "new-company-id", required: true, pattern: "[a-z0-9][a-z0-9_\\-]{1,49}" });
    const name = h("input", { id: "new-company-name", required: true });
    const agent = h("input", { id: "new-company-agent", value: "Asesora" });
    const services = h("input", { id: "new-company-services" });
    const form = h("form", { id: "new-company-form" }, h("h2", {}, t("newCompany")),
      h("div", { class: "row" }, field(t("companyId"), id), field(t("companyName"), name), field(t("salesAgent"), agent),
        field(t("servicesText"), services), h("button", { type: "submit", id: "create-company" }, t("create"))));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const created = await attempt(() => api("POST", "/api/admin/companies", {
        company_id: id.value.trim(), company_name: name.value.trim(), sales_agent_name: agent.value.trim(), services: services.value.trim(),
      }, { company: "" }));
      if (created) { notify(t("created")); form.reset(); await load(); await context.refreshCompanies?.(); }
    });
    return form;
  }

  async function edit(companyID) {
    const answer = await attempt(() => api("GET", `/api/admin/companies/${encodeURIComponent(companyID)}`, undefined, { company: "" }));
    if (!answer) return;
    const company = answer.company;
    const name = h("input", { id: "edit-name", value: company.company_name || "" });
    const agent = h("input", { id: "edit-agent", value: company.sales_agent_name || "" });
    const services = h("textarea", { id: "edit-services" });
    services.value = company.services || "";
    const chatwoot = company.chatwoot || {};
    const url = h("input", { id: "edit-chatwoot-url", value: chatwoot.base_url || "", placeholder: "https://chat.example.com" });
    const account = h("input", { id: "edit-chatwoot-account", value: company.chatwoot_account_id || "" });
    const save = h("button", { type: "submit", id: "save-company" }, t("save"));
    const form = h("form", { id: "edit-form" }, h("h2", {}, `${t("edit")}: ${companyID}`),
      h("div", { class: "row" }, field(t("companyName"), name), field(t("salesAgent"), agent)), field(t("servicesText"), services),
      h("h2", {}, t("chatwoot")), h("div", { class: "row" }, field(t("chatwootUrl"), url), field(t("chatwootAccount"), account)),
      h("div", { class: "row" }, save,
        h("button", { type: "button", class: "danger", id: "deactivate-company", onclick: async () => {
          if (!confirm(t("confirmDelete"))) return;
          if (await attempt(() => api("DELETE", `/api/admin/companies/${encodeURIComponent(companyID)}`, undefined, { company: "" }))) {
            notify(t("saved")); await load();
          }
        } }, t("deactivate"))));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const patch = { company_name: name.value, sales_agent_name: agent.value, services: services.value,
        chatwoot_account_id: account.value.trim() || null };
      if (url.value.trim()) patch.chatwoot = { base_url: url.value.trim() };
      const updated = await attempt(() => api("PATCH", `/api/admin/companies/${encodeURIComponent(companyID)}`, patch, { company: "" }));
      if (updated) { notify(t("saved")); await load(); }
    });
    const keys = h("div", { id: "api-keys" });
    const shown = h("pre", { id: "new-key-value", hidden: true });
    async function loadKeys() {
      const list = await attempt(() => api("GET", `/api/admin/companies/${encodeURIComponent(companyID)}/api-keys`, undefined, { company: "" }));
      clear(keys).append(h("h2", {}, t("apiKeys")), table([t("id"), t("name"), "fingerprint", t("created_at"), ""], (list?.api_keys || []).map((key) => [
        key.key_id, key.name, key.fingerprint, key.created_at || "—",
        h("button", { class: "danger", onclick: async () => {
          if (!confirm(t("confirmDelete"))) return;
          if (await attempt(() => api("DELETE", `/api/admin/companies/${encodeURIComponent(companyID)}/api-keys/${encodeURIComponent(key.key_id)}`, undefined, { company: "" }))) loadKeys();
        } }, t("delete")),
      ])));
      const keyName = h("input", { id: "new-key-name", value: "panel" });
      keys.append(h("div", { class: "row" }, field(t("name"), keyName), h("button", { type: "button", id: "create-key", onclick: async () => {
        const created = await attempt(() => api("POST", `/api/admin/companies/${encodeURIComponent(companyID)}/api-keys`, { name: keyName.value }, { company: "" }));
        if (created) { await loadKeys(); shown.hidden = false; shown.textContent = `${t("keyShown")}\n${created.api_key}`; }
      } }, t("newKey"))));
    }
    clear(editor).append(form, keys, shown);
    await loadKeys();
    name.focus();
  }

  await load();
  clear(editor).append(newForm());
}
