// Each agent's prompt for the company (admin): where it comes from, edit, preview with sample values, restore.
import { api } from "../api.js";
import { h, clear, field, pill } from "../dom.js";
import { t } from "../i18n.js";
import { attempt, notify } from "../app.js";

export default async function prompts(main, context) {
  const box = h("div", { id: "prompt-list" });
  main.append(box);
  async function load() {
    const answer = await attempt(() => api("GET", "/api/admin/prompts"));
    clear(box);
    if (!answer) return;
    for (const [agent, prompt] of Object.entries(answer.agents || {})) {
      if (!prompt) continue;
      const template = h("textarea", { id: `prompt-${agent}`, rows: 8 });
      template.value = prompt.current_prompt;
      const preview = h("pre", { id: `preview-${agent}`, hidden: true });
      box.append(h("section", { class: "card", "aria-labelledby": `title-${agent}` },
        h("h2", { id: `title-${agent}` }, agent, " ", pill(prompt.source, prompt.is_custom ? "warn" : "")),
        field(t("template"), template),
        h("div", { class: "row" },
          h("button", { type: "button", id: `save-${agent}`, onclick: async () => {
            if (await attempt(() => api("PUT", `/api/admin/prompts/${agent}`, { prompt_template: template.value }))) { notify(t("saved")); load(); }
          } }, t("save")),
          h("button", { type: "button", class: "secondary", id: `preview-button-${agent}`, onclick: async () => {
            const rendered = await attempt(() => api("POST", `/api/admin/prompts/${agent}/preview`, { prompt_template: template.value }));
            if (rendered) { preview.hidden = false; preview.textContent = rendered.preview; }
          } }, t("preview")),
          h("button", { type: "button", class: "secondary", id: `restore-${agent}`, disabled: !prompt.is_custom, onclick: async () => {
            if (!confirm(t("confirmDelete"))) return;
            if (await attempt(() => api("DELETE", `/api/admin/prompts/${agent}`))) { notify(t("saved")); load(); }
          } }, t("restore"))),
        preview));
    }
  }
  await load();
}
