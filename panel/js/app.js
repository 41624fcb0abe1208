// The panel's shell: sign-in, navigation (hash routes), the company chooser for admins, and the pages.
import { api, session, ApiError } from "./api.js";
import { h, clear, field } from "./dom.js";
import { t, language, setLanguage } from "./i18n.js";
import dashboard from "./pages/dashboard.js";
import companies from "./pages/companies.js";
import documents from "./pages/documents.js";
import chat from "./pages/chat.js";
import conversations from "./pages/conversations.js";
import prompts from "./pages/prompts.js";
import inbox from "./pages/inbox.js";
import appointments from "./pages/appointments.js";

const pages = { dashboard, companies, documents, chat, conversations, prompts, inbox, appointments };
const adminPages = new Set(["companies", "prompts", "inbox"]);
const main = document.getElementById("main");
const status = document.getElementById("status");
let companyList = [];
let lastPage = "";

/** Shows a message in the live region (errors in red). */
export function notify(message, kind = "info") {
  status.className = `status ${kind}`;
  status.textContent = message;
}

/** Runs `work`, reporting an ApiError in the status line instead of throwing. */
export async function attempt(work) {
  try {
    return await work();
  } catch (error) {
    notify(error instanceof ApiError ? `${error.code || error.status}: ${error.message}` : String(error), "error");
    return undefined;
  }
}

/** The company the pages act for: the tenant's own, or the one an admin chose. */
export function currentCompany() { return session.company; }

function signIn() {
  clear(main);
  const key = h("input", { type: "password", autocomplete: "off", required: true, id: "api-key" });
  const form = h("form", { class: "card signin", "aria-labelledby": "signin-title" },
    h("h1", { id: "signin-title" }, t("signIn")),
    field(t("apiKey"), key),
    h("p", { class: "muted" }, t("signInHelp")),
    h("button", { type: "submit", id: "signin-button" }, t("signIn")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    session.key = key.value.trim();
    try {
      const all = await api("GET", "/api/admin/companies", undefined, { company: "" });
      session.role = "admin";
      companyList = (all.companies || []).map((c) => c.company_id);
      session.company = companyList.includes("benova") ? "benova" : companyList[0] || "";
    } catch (error) {
      try {
        const own = await api("GET", "/api/company", undefined, { company: "" });
        session.role = "tenant";
        session.company = own.company?.company_id || own.company_id || "";
        companyList = [session.company];
      } catch {
        session.clear();
        notify(t("badKey"), "error");
        return;
      }
    }
    notify("");
    location.hash = "#/dashboard";
    render();
  });
  main.append(form);
  key.focus();
}

function header(active) {
  const nav = clear(document.getElementById("nav"));
  for (const name of Object.keys(pages)) {
    if (adminPages.has(name) && session.role !== "admin") continue;
    nav.append(h("a", { href: `#/${name}`, "aria-current": name === active ? "page" : undefined, id: `nav-${name}` }, t(name)));
  }
  const box = clear(document.getElementById("session"));
  if (!session.key) return;
  const chooser = h("select", { id: "company-select", "aria-label": t("company"), disabled: session.role !== "admin" },
    companyList.map((id) => h("option", { value: id, selected: id === session.company }, id)));
  chooser.addEventListener("change", () => { session.company = chooser.value; render(); });
  const languages = h("select", { id: "language-select", "aria-label": t("language") },
    h("option", { value: "es", selected: language() === "es" }, "Español"), h("option", { value: "en", selected: language() === "en" }, "English"));
  languages.addEventListener("change", () => { setLanguage(languages.value); render(); });
  const out = h("button", { class: "secondary", id: "signout" }, t("signOut"));
  out.addEventListener("click", () => { session.clear(); companyList = []; location.hash = ""; render(); });
  box.append(chooser, languages, out);
}

async function render() {
  document.documentElement.lang = language();
  document.querySelector(".skip").textContent = t("skip");
  if (!session.key) { header(""); signIn(); return; }
  if (!companyList.length) {
    const list = await attempt(() => session.role === "admin" ? api("GET", "/api/admin/companies", undefined, { company: "" }) : null);
    companyList = list ? (list.companies || []).map((c) => c.company_id) : [session.company];
  }
  const name = (location.hash.replace(/^#\//, "").split("?")[0]) || "dashboard";
  const page = pages[name] ? name : "dashboard";
  if (page !== lastPage) notify("");
  lastPage = page;
  header(page);
  clear(main);
  // Set once the page has loaded its data (tests and assistive tools can wait on it).
  delete main.dataset.ready;
  if (adminPages.has(page) && session.role !== "admin") { main.append(h("p", {}, t("adminOnly"))); return; }
  main.append(h("h1", { id: "page-title" }, `${t(page)}${session.company ? ` · ${session.company}` : ""}`));
  await pages[page](main, { company: session.company, role: session.role, companies: companyList, refresh: render });
  main.dataset.ready = page;
  main.focus();
}

// The skip link moves focus to the content without touching the hash (the hash is the page).
document.querySelector(".skip").addEventListener("click", (event) => { event.preventDefault(); main.focus(); });
window.addEventListener("hashchange", render);
render();
