// Appointments of the company: a week calendar, free slots for a treatment and day, booking and cancelling.
import { api } from "../api.js";
import { h, clear, field, table, pill } from "../dom.js";
import { t, language } from "../i18n.js";
import { attempt, notify } from "../app.js";

function startOfWeek(date) {
  const day = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  day.setDate(day.getDate() - ((day.getDay() + 6) % 7));
  return day;
}
/** The clinic's own wall time of an ISO string with an offset ("2026-12-07T08:00:00-05:00" → "08:00"), not the browser's. */
function clinicTime(iso) { return String(iso).slice(11, 16); }
function clinicDay(iso) { return String(iso).slice(0, 10); }
function isoDay(date) { return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`; }

export default async function appointments(main, context) {
  let week = startOfWeek(new Date());
  const company = (await attempt(() => api("GET", "/api/company"))) || {};
  const treatments = Object.keys(company.company?.treatment_durations || {});
  const calendar = h("div", { class: "calendar", id: "calendar" });
  const weekLabel = h("strong", { id: "week-label" });
  const listBox = h("div", { id: "appointment-list" });
  const treatment = h("select", { id: "slot-treatment" }, (treatments.length ? treatments : ["consulta"]).map((name) => h("option", { value: name }, name)));
  const day = h("input", { id: "slot-day", type: "date", value: isoDay(new Date(Date.now() + 86400000)) });
  const slotsBox = h("div", { id: "slots" });
  const patientName = h("input", { id: "patient-name", value: "" });
  const patientPhone = h("input", { id: "patient-phone", value: "" });
  const patientIdNumber = h("input", { id: "patient-id-number", value: "" });
  const patientEmail = h("input", { id: "patient-email", type: "email", value: "" });
  main.append(
    h("section", { class: "card" }, h("div", { class: "row" },
      h("button", { class: "secondary", onclick: () => { week = new Date(week.getTime() - 7 * 86400000); load(); } }, t("previous")), weekLabel,
      h("button", { class: "secondary", onclick: () => { week = new Date(week.getTime() + 7 * 86400000); load(); } }, t("next"))), calendar),
    h("section", { class: "card" }, h("h2", {}, t("availability")),
      h("div", { class: "row" }, field(t("treatment"), treatment), field(t("day"), day), field(t("patient"), patientName), field(t("idNumber"), patientIdNumber),
        field(t("phone"), patientPhone), field("Email", patientEmail),
        h("button", { id: "find-slots", onclick: () => slots() }, t("availability"))), slotsBox),
    h("section", { class: "card" }, listBox));

  async function slots() {
    const answer = await attempt(() => api("GET", `/api/appointments/availability?treatment=${encodeURIComponent(treatment.value)}&day=${day.value}`));
    clear(slotsBox);
    if (!answer) return;
    if (!(answer.slots || []).length) { slotsBox.append(h("p", { class: "muted" }, answer.note || t("none"))); return; }
    slotsBox.append(h("div", { class: "row" }, answer.slots.slice(0, 24).map((slot) => h("button", { class: "secondary", "data-slot": slot.start, onclick: async () => {
      const booked = await attempt(() => api("POST", "/api/appointments", {
        treatment: treatment.value, start: slot.start, patient: { full_name: patientName.value || undefined, phone: patientPhone.value || undefined,
          id_number: patientIdNumber.value || undefined, email: patientEmail.value || undefined },
        idempotency_key: `panel-${crypto.randomUUID()}`,
      }));
      if (booked) { notify(`${t("created")} ${booked.appointment.confirmation_code}`); week = startOfWeek(new Date(`${clinicDay(slot.start)}T12:00:00`)); load(); slots(); }
    } }, clinicTime(slot.start)))));
  }

  async function load() {
    const end = new Date(week.getTime() + 7 * 86400000);
    weekLabel.textContent = `${t("week")} ${week.toLocaleDateString(language())}`;
    // A day either side in UTC, then the clinic's own dates decide which of the seven days an appointment is on.
    const from = new Date(week.getTime() - 86400000).toISOString(), to = new Date(end.getTime() + 86400000).toISOString();
    const days = new Set(Array.from({ length: 7 }, (_, index) => isoDay(new Date(week.getTime() + index * 86400000))));
    const answer = await attempt(() => api("GET", `/api/appointments?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=500&include_cancelled=true`));
    clear(calendar);
    clear(listBox);
    const items = (answer?.appointments || []).filter((item) => days.has(clinicDay(item.start)));
    for (let index = 0; index < 7; index += 1) {
      const date = new Date(week.getTime() + index * 86400000);
      const today = items.filter((item) => item.status !== "cancelled" && clinicDay(item.start) === isoDay(date));
      calendar.append(h("div", { class: "day" }, h("div", { class: "date" }, date.toLocaleDateString(language(), { weekday: "short", day: "numeric" })),
        today.map((item) => h("span", { class: "item" }, `${clinicTime(item.start)} ${item.treatment}`))));
    }
    listBox.append(h("h2", {}, t("appointments")), items.length ? table([t("start"), t("treatment"), t("patient"), t("status"), t("code"), ""], items.map((item) => [
      `${clinicDay(item.start)} ${clinicTime(item.start)}`, item.treatment, item.patient?.full_name || "—", pill(item.status, item.status === "cancelled" ? "" : "ok"),
      item.confirmation_code,
      item.status !== "cancelled" ? h("button", { class: "danger", "data-cancel": item.id, onclick: async () => {
        if (!confirm(t("confirmDelete"))) return;
        if (await attempt(() => api("DELETE", `/api/appointments/${encodeURIComponent(item.id)}`))) { notify(t("deleted")); load(); }
      } }, t("cancel")) : "",
    ])) : h("p", { class: "muted" }, t("none")));
  }
  await load();
}
