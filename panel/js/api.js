// The gateway's API from the panel: the key from sessionStorage in X-API-Key; an admin acting for a company
// names it in X-Company-ID. Errors come back as ApiError with the envelope's code and message.
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  get key() { return sessionStorage.getItem("panel.key") || ""; },
  set key(value) { if (value) sessionStorage.setItem("panel.key", value); else sessionStorage.removeItem("panel.key"); },
  get role() { return sessionStorage.getItem("panel.role") || ""; },
  set role(value) { sessionStorage.setItem("panel.role", value); },
  get company() { return sessionStorage.getItem("panel.company") || ""; },
  set company(value) { sessionStorage.setItem("panel.company", value); },
  clear() { for (const name of ["panel.key", "panel.role", "panel.company"]) sessionStorage.removeItem(name); },
};

function headers(extra = {}, company = session.company) {
  const all = { "X-API-Key": session.key, ...extra };
  if (company) all["X-Company-ID"] = company;
  return all;
}

async function parse(response) {
  const type = response.headers.get("Content-Type") || "";
  const body = type.includes("json") ? await response.json().catch(() => null) : await response.text();
  if (!response.ok) {
    const error = body && typeof body === "object" ? body.error || {} : {};
    throw new ApiError(response.status, error.code, error.message || (body && body.message) || String(body || ""));
  }
  return body;
}

/** A JSON call; `body` is sent as JSON when given. */
export async function api(method, path, body, options = {}) {
  const extra = body === undefined ? {} : { "Content-Type": "application/json" };
  const response = await fetch(path, {
    method, headers: headers({ ...extra, ...(options.headers || {}) }, options.company ?? session.company),
    body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit", cache: "no-store",
  });
  return parse(response);
}

/** A multipart upload with progress (fetch has no upload progress: XMLHttpRequest does). */
export function upload(path, form, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", path);
    for (const [name, value] of Object.entries(headers())) request.setRequestHeader(name, value);
    request.upload.addEventListener("progress", (event) => { if (event.lengthComputable) onProgress(event.loaded / event.total); });
    request.addEventListener("load", () => {
      let body = null;
      try { body = JSON.parse(request.responseText); } catch { body = null; }
      if (request.status >= 200 && request.status < 300) resolve(body);
      else reject(new ApiError(request.status, body?.error?.code, body?.error?.message || body?.message || `HTTP ${request.status}`));
    });
    request.addEventListener("error", () => reject(new ApiError(0, "network_error", "The gateway could not be reached.")));
    request.send(form);
  });
}

/** Prometheus text → [{name, labels, value}]. */
export async function metrics() {
  const response = await fetch("/metrics", { headers: headers({}, ""), cache: "no-store" });
  if (!response.ok) throw new ApiError(response.status, "metrics_unavailable", "Metrics are not available to these credentials.");
  const samples = [];
  for (const line of (await response.text()).split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+([-+0-9.eE]+|NaN|\+Inf)/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const pair of (match[3] || "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return samples;
}
