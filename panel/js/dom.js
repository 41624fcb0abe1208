// DOM helpers: every element is built with createElement and every piece of data goes in as text
// (textContent or attribute values), never as HTML.

/** h("button", {class: "x", onclick: fn, "aria-label": "…"}, "text", child, …) */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (name === "value") element.value = value;
    else if (name === "checked") element.checked = Boolean(value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children: nodes as they are, anything else as a text node. */
export function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Empties an element. */
export function clear(element) {
  while (element.firstChild) element.firstChild.remove();
  return element;
}

/** A labelled form control: the label points at the control by id. */
let controlCounter = 0;
export function field(labelText, control) {
  const id = control.id || `field-${++controlCounter}`;
  control.id = id;
  return h("div", {}, h("label", { for: id }, labelText), control);
}

/** A table from column headers and rows of cells (strings or nodes). */
export function table(headers, rows, caption) {
  return h("table", {},
    caption ? h("caption", { class: "muted" }, caption) : null,
    h("thead", {}, h("tr", {}, headers.map((name) => h("th", { scope: "col" }, name)))),
    h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((cell) => h("td", {}, cell))))));
}

/** A coloured state label. */
export function pill(text, tone = "") {
  return h("span", { class: `pill ${tone}` }, text);
}

/** A date-time as the browser's locale writes it. */
export function when(iso) {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}
