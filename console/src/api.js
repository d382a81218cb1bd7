// The console's calls to the server: the token as `Authorization: Bearer`, the owner as a
// parameter (as /run/script takes it). Both are kept in the browser's session storage.
const KEY = "mlsql.console.auth";

export const auth = {
  get() {
    try {
      return JSON.parse(sessionStorage.getItem(KEY)) || null;
    } catch {
      return null;
    }
  },
  set(value) {
    sessionStorage.setItem(KEY, JSON.stringify(value));
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

function withOwner(path, extra = {}) {
  const { owner } = auth.get() || {};
  const url = new URL(path, location.origin);
  if (owner) url.searchParams.set("owner", owner);
  for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
  return url;
}

export async function api(path, { method = "GET", body, params } = {}) {
  const { token } = auth.get() || {};
  const headers = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(withOwner(`/console/api${path}`, params), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { message: text };
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

// The owner's jobs pushed by the server; EventSource cannot send headers, so the token goes as
// the `access_token` parameter the API also accepts.
export function jobEvents(onJobs) {
  const { token } = auth.get() || {};
  const url = withOwner("/console/api/events", token ? { access_token: token } : {});
  const source = new EventSource(url);
  source.addEventListener("jobs", (e) => onJobs(JSON.parse(e.data).jobs));
  return source;
}
