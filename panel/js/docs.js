// The API reference at /docs: docs/openapi.yaml (served as /docs/openapi.json) rendered with DOM APIs, with a filter.
import { h, clear, table } from "./dom.js";

const main = document.getElementById("main");
const methods = ["get", "post", "put", "patch", "delete"];

function schemaText(schema) {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.type === "object" && schema.properties) {
    return `{${Object.keys(schema.properties).join(", ")}}`;
  }
  return [].concat(schema.type || []).join(" | ") + (schema.enum ? ` (${schema.enum.join(", ")})` : "");
}

function operation(path, method, spec) {
  const parameters = (spec.parameters || []).filter((p) => !p.$ref).map((p) => [p.name, p.in, p.required ? "required" : "", p.description || schemaText(p.schema)]);
  const body = spec.requestBody?.content || {};
  const responses = Object.entries(spec.responses || {}).map(([code, response]) => [code, response.description || (response.$ref || "").split("/").pop()]);
  return h("section", { class: "card operation", "data-search": `${method} ${path} ${spec.summary || ""}`.toLowerCase() },
    h("h2", {}, h("span", { class: "pill" }, method.toUpperCase()), " ", path),
    spec.summary ? h("p", {}, spec.summary) : null,
    spec.description ? h("p", { class: "muted" }, spec.description) : null,
    parameters.length ? table(["parameter", "in", "", "description"], parameters) : null,
    Object.keys(body).length ? h("p", {}, "Body: ", Object.entries(body).map(([type, content]) => `${type} ${schemaText(content.schema)}`).join("; ")) : null,
    table(["status", "meaning"], responses));
}

async function render() {
  const spec = await fetch("/docs/openapi.json", { cache: "no-store" }).then((response) => response.json());
  const filter = h("input", { type: "search", id: "docs-filter", "aria-label": "Filter endpoints", placeholder: "Filter: documents, POST, webhook…" });
  const list = h("div", { id: "operations" });
  clear(main).append(h("h1", {}, `${spec.info.title} ${spec.info.version}`), h("p", { class: "muted" }, spec.info.description || ""), filter, list);
  for (const [path, item] of Object.entries(spec.paths || {})) {
    for (const method of methods) if (item[method]) list.append(operation(path, method, item[method]));
  }
  filter.addEventListener("input", () => {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    for (const section of list.children) section.hidden = !words.every((word) => section.dataset.search.includes(word));
  });
}

render().catch((error) => main.append(h("p", {}, `The API description could not be loaded: ${error.message}`)));
